"""Two-step secrets sealed at rest: the column widens to hold a Fernet token, and every secret kept in
plain text so far is sealed under the key pantry/sealed.py derives from SECRET_KEY (run it with the
deployment's own SECRET_KEY: `flask --app pantry db upgrade`). Down, they are opened again.

Revision ID: p16a0sealtotp
Revises: h18a0home
Create Date: 2026-12-03 18:00:00

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from pantry import sealed

# revision identifiers, used by Alembic.
revision = 'p16a0sealtotp'
down_revision = 'h18a0home'
branch_labels = None
depends_on = None

coordinator = sa.table('coordinator', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))


def _rewrite(change):
    connection = op.get_bind()
    rows = connection.execute(sa.select(coordinator.c.id, coordinator.c.totp_secret)
                              .where(coordinator.c.totp_secret.is_not(None))).all()
    for row_id, value in rows:
        new = change(value)
        if new != value:
            connection.execute(coordinator.update().where(coordinator.c.id == row_id).values(totp_secret=new))


def upgrade():
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    config = current_app.config
    _rewrite(lambda value: value if value.startswith(sealed.PREFIX) else sealed.seal(config, value))


def downgrade():
    config = current_app.config
    _rewrite(lambda value: sealed.unseal(config, value) if value.startswith(sealed.PREFIX) else value)
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
