"""Excursions and the food they put in question, transfers between sites, discard reasons,
items kept cold and their typical weight, and movements found by time (the impact report)

Revision ID: i17a0e1c2d3f
Revises: p16a0journal
Create Date: 2026-12-02 17:15:00.000000

"""
import sqlalchemy as sa
from alembic import op

import pantry.database

# revision identifiers, used by Alembic.
revision = 'i17a0e1c2d3f'
down_revision = "h12a3f0c5e2b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('excursion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('started_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('ended_at', pantry.database.UTCDateTime(), nullable=True),
    sa.Column('length_known', sa.Boolean(), nullable=False),
    sa.Column('warmest', sa.Double(), nullable=False),
    sa.Column('flagged_at', pantry.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_excursion_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_excursion'))
    )
    with op.batch_alter_table('excursion', schema=None) as batch_op:
        batch_op.create_index('ix_excursion_site_time', ['site_id', 'started_at'], unique=False)

    op.create_table('flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('excursion_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('flagged_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('cleared_at', pantry.database.UTCDateTime(), nullable=True),
    sa.Column('cleared_by', sa.String(length=120), nullable=False),
    sa.Column('clear_reason', sa.String(length=200), nullable=False),
    sa.Column('clear_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_flag_batch_id_batch')),
    sa.ForeignKeyConstraint(['excursion_id'], ['excursion.id'], name=op.f('fk_flag_excursion_id_excursion')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_flag_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag')),
    sa.UniqueConstraint('clear_key', name=op.f('uq_flag_clear_key')),
    sa.UniqueConstraint('excursion_id', 'batch_id', name=op.f('uq_flag_excursion_id'))
    )
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_excursion_id'), ['excursion_id'], unique=False)
        batch_op.create_index('ix_flag_site_open', ['site_id', 'cleared_at'], unique=False)

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keep_cold', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('typical_grams', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_item_typical_grams'), "typical_grams IS NULL OR typical_grams BETWEEN 1 AND 50000")
    # Dairy and prepared meals (frozen ones too) are cold-chain food wherever they are kept.
    op.execute("UPDATE item SET keep_cold = true WHERE category IN ('dairy', 'meals')")
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.alter_column('keep_cold', server_default=None)

    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pairs_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=12), nullable=True))
        batch_op.create_index('ix_movement_time', ['created_at'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_movement_pairs_id'), ['pairs_id'])
        batch_op.create_foreign_key(batch_op.f('fk_movement_pairs_id_movement'), 'movement', ['pairs_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_movement_kind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_movement_kind'), "kind IN ('restock', 'take', 'discard', 'count', 'correction', 'transfer')")
        batch_op.create_check_constraint(
            op.f('ck_movement_reason'), "reason IS NULL OR reason IN ('past_date', 'warm', 'damaged')")



def downgrade():
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_movement_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_movement_kind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_movement_kind'), "kind IN ('restock', 'take', 'discard', 'count', 'correction')")
        batch_op.drop_constraint(batch_op.f('fk_movement_pairs_id_movement'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_movement_pairs_id'), type_='unique')
        batch_op.drop_index('ix_movement_time')
        batch_op.drop_column('reason')
        batch_op.drop_column('pairs_id')

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_item_typical_grams'), type_='check')
        batch_op.drop_column('typical_grams')
        batch_op.drop_column('keep_cold')

    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.drop_index('ix_flag_site_open')
        batch_op.drop_index(batch_op.f('ix_flag_excursion_id'))
        batch_op.drop_index(batch_op.f('ix_flag_batch_id'))

    op.drop_table('flag')
    with op.batch_alter_table('excursion', schema=None) as batch_op:
        batch_op.drop_index('ix_excursion_site_time')

    op.drop_table('excursion')
