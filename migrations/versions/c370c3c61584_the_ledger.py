"""The ledger: sites, items, stock, batches, movements, tags, coordinators

Revision ID: c370c3c61584
Revises:
Create Date: 2026-11-21 04:43:22.226030

"""
import sqlalchemy as sa
from alembic import op

import pantry.database

# revision identifiers, used by Alembic.
revision = 'c370c3c61584'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('coordinator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordinator')),
    sa.UniqueConstraint('email', name=op.f('uq_coordinator_email'))
    )
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("category IN ('produce', 'dairy', 'bakery', 'meals', 'canned', 'dry', 'drinks', 'baby', 'hygiene', 'other')", name=op.f('ck_item_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('name', name=op.f('uq_item_name'))
    )
    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('hours', sa.String(length=120), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('fridge', 'freezer', 'pantry')", name=op.f('ck_site_kind')),
    sa.CheckConstraint("state IN ('open', 'closed', 'out_of_order')", name=op.f('ck_site_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site')),
    sa.UniqueConstraint('slug', name=op.f('uq_site_slug'))
    )
    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('best_before', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_batch_quantity_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_batch_item_id_item')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_batch_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch'))
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index('ix_batch_site_item', ['site_id', 'item_id', 'best_before'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('expires_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('used_at', pantry.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'], name=op.f('fk_invitation_coordinator_id_coordinator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_coordinator_id'), ['coordinator_id'], unique=False)

    op.create_table('movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('best_before', sa.Date(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('payload_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('restock', 'take', 'discard', 'count', 'correction')", name=op.f('ck_movement_kind')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_movement_quantity_not_negative')),
    sa.ForeignKeyConstraint(['corrects_id'], ['movement.id'], name=op.f('fk_movement_corrects_id_movement')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_movement_item_id_item')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_movement_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movement')),
    sa.UniqueConstraint('corrects_id', name=op.f('uq_movement_corrects_id')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_movement_idempotency_key'))
    )
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.create_index('ix_movement_site_time', ['site_id', 'created_at'], unique=False)

    op.create_table('stock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=True),
    sa.Column('count_looks_off', sa.Boolean(), nullable=False),
    sa.Column('last_restocked_at', pantry.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_stock_quantity_not_negative')),
    sa.CheckConstraint('target IS NULL OR target >= 0', name=op.f('ck_stock_target_not_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_stock_item_id_item')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_stock_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock')),
    sa.UniqueConstraint('site_id', 'item_id', name=op.f('uq_stock_site_id'))
    )
    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=8), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', pantry.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint("(purpose = 'item') = (item_id IS NOT NULL)", name=op.f('ck_tag_item_only_for_item')),
    sa.CheckConstraint("purpose IN ('site', 'item', 'care')", name=op.f('ck_tag_purpose')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_tag_item_id_item')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_tag_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('code', name=op.f('uq_tag_code'))
    )
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_site_id'), ['site_id'], unique=False)

    op.create_table('allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('movement_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_allocation_batch_id_batch')),
    sa.ForeignKeyConstraint(['movement_id'], ['movement.id'], name=op.f('fk_allocation_movement_id_movement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation'))
    )
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocation_movement_id'), ['movement_id'], unique=False)




def downgrade():

    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_movement_id'))
        batch_op.drop_index(batch_op.f('ix_allocation_batch_id'))

    op.drop_table('allocation')
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_site_id'))

    op.drop_table('tag')
    op.drop_table('stock')
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.drop_index('ix_movement_site_time')

    op.drop_table('movement')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_coordinator_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index('ix_batch_site_item')

    op.drop_table('batch')
    op.drop_table('site')
    op.drop_table('item')
    op.drop_table('coordinator')

