"""The network's latest promise change, found along an index (the home page's version)

Revision ID: h18a0home
Revises: s16a0twostep
Create Date: 2026-12-03 18:00:00.000000

"""
from alembic import op

revision = "h18a0home"
down_revision = "s16a0twostep"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.create_index("ix_promise_changed", ["changed_at"], unique=False)


def downgrade():
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.drop_index("ix_promise_changed")
