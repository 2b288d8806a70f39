"""what each restock brought to each promise, so a correction of the restock takes it back

Revision ID: n14b0kept01
Revises: r13a0reports
Create Date: 2026-12-03 15:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'n14b0kept01'
down_revision = 'r13a0reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('promise_restock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_promise_restock_quantity_positive')),
    sa.ForeignKeyConstraint(['movement_id'], ['movement.id'], name=op.f('fk_promise_restock_movement_id_movement')),
    sa.ForeignKeyConstraint(['promise_id'], ['promise.id'], name=op.f('fk_promise_restock_promise_id_promise')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise_restock'))
    )
    with op.batch_alter_table('promise_restock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promise_restock_movement_id'), ['movement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promise_restock_promise_id'), ['promise_id'], unique=False)


def downgrade():
    with op.batch_alter_table('promise_restock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promise_restock_promise_id'))
        batch_op.drop_index(batch_op.f('ix_promise_restock_movement_id'))

    op.drop_table('promise_restock')
