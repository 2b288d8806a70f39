"""Sign-out ends a coordinator's sessions on the server; one warm-fridge mail per site per while

Revision ID: h12a3f0c5e2b
Revises: fdd01738950a
Create Date: 2026-12-02 17:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

from pantry.database import UTCDateTime

revision = "h12a3f0c5e2b"
down_revision = "p16a0journal"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("coordinator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warm_alert_sent_at", UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("warm_alert_sent_at")
    with op.batch_alter_table("coordinator", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
