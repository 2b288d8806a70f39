"""A site's latest movement, found at once (the public pages' version)

Revision ID: b1d6a0e2f4c7
Revises: c370c3c61584
Create Date: 2026-11-21 05:20:00.000000

"""
from alembic import op

revision = "b1d6a0e2f4c7"
down_revision = "c370c3c61584"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("movement", schema=None) as batch_op:
        batch_op.create_index("ix_movement_site_latest", ["site_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("movement", schema=None) as batch_op:
        batch_op.drop_index("ix_movement_site_latest")
