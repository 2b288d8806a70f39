"""Shifts, sign-ups, reminders, care records and readings

Revision ID: fdd01738950a
Revises: b1d6a0e2f4c7
Create Date: 2026-11-21 05:12:21.723933

"""
import sqlalchemy as sa
from alembic import op

import pantry.database

# revision identifiers, used by Alembic.
revision = 'fdd01738950a'
down_revision = 'b1d6a0e2f4c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shift_pattern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('weekdays', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('cleaning', 'temperature', 'restock')", name=op.f('ck_shift_pattern_kind')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_shift_pattern_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shift_pattern_ends_after_start')),
    sa.CheckConstraint('last_day IS NULL OR last_day >= first_day', name=op.f('ck_shift_pattern_ends_after_it_starts')),
    sa.CheckConstraint('weekdays > 0 AND weekdays < 128', name=op.f('ck_shift_pattern_weekdays')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_shift_pattern_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_pattern'))
    )
    with op.batch_alter_table('shift_pattern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_pattern_site_id'), ['site_id'], unique=False)

    op.create_table('shift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('pattern_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('ends_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', pantry.database.UTCDateTime(), nullable=True),
    sa.Column('done_at', pantry.database.UTCDateTime(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('updated_at', pantry.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('cleaning', 'temperature', 'restock')", name=op.f('ck_shift_kind')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_shift_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shift_ends_after_start')),
    sa.CheckConstraint('taken >= 0 AND taken <= capacity', name=op.f('ck_shift_taken_within_capacity')),
    sa.ForeignKeyConstraint(['pattern_id'], ['shift_pattern.id'], name=op.f('fk_shift_pattern_id_shift_pattern')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_shift_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift')),
    sa.UniqueConstraint('pattern_id', 'day', name='uq_shift_pattern_day')
    )
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.create_index('ix_shift_site_starts', ['site_id', 'starts_at'], unique=False)

    op.create_table('care_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_care_record_shift_id_shift')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_care_record_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_record')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_care_record_idempotency_key'))
    )
    with op.batch_alter_table('care_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_record_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index('ix_care_record_site_time', ['site_id', 'created_at'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('sign_up_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('sent_at', pantry.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_reminder_shift_id_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('kind', 'shift_id', 'sign_up_id', name='uq_reminder_once')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_shift_id'), ['shift_id'], unique=False)

    op.create_table('sign_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', pantry.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_sign_up_shift_id_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_up')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_sign_up_idempotency_key')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_up_token_hash'))
    )
    with op.batch_alter_table('sign_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_up_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_up_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index('uq_sign_up_shift_email', ['shift_id', 'email'], unique=True, sqlite_where=sa.text('cancelled_at IS NULL AND email IS NOT NULL'), postgresql_where=sa.text('cancelled_at IS NULL AND email IS NOT NULL'))

    op.create_table('reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('care_record_id', sa.Integer(), nullable=True),
    sa.Column('celsius', sa.Double(), nullable=False),
    sa.Column('in_range', sa.Boolean(), nullable=False),
    sa.Column('taken_at', pantry.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('celsius >= -40 AND celsius <= 40', name=op.f('ck_reading_celsius_in_range')),
    sa.ForeignKeyConstraint(['care_record_id'], ['care_record.id'], name=op.f('fk_reading_care_record_id_care_record')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_reading_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading')),
    sa.UniqueConstraint('care_record_id', name=op.f('uq_reading_care_record_id'))
    )
    with op.batch_alter_table('reading', schema=None) as batch_op:
        batch_op.create_index('ix_reading_site_time', ['site_id', 'taken_at'], unique=False)




def downgrade():

    with op.batch_alter_table('reading', schema=None) as batch_op:
        batch_op.drop_index('ix_reading_site_time')

    op.drop_table('reading')
    with op.batch_alter_table('sign_up', schema=None) as batch_op:
        batch_op.drop_index('uq_sign_up_shift_email', sqlite_where=sa.text('cancelled_at IS NULL AND email IS NOT NULL'), postgresql_where=sa.text('cancelled_at IS NULL AND email IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_sign_up_shift_id'))
        batch_op.drop_index(batch_op.f('ix_sign_up_email'))

    op.drop_table('sign_up')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_shift_id'))

    op.drop_table('reminder')
    with op.batch_alter_table('care_record', schema=None) as batch_op:
        batch_op.drop_index('ix_care_record_site_time')
        batch_op.drop_index(batch_op.f('ix_care_record_shift_id'))

    op.drop_table('care_record')
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.drop_index('ix_shift_site_starts')

    op.drop_table('shift')
    with op.batch_alter_table('shift_pattern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shift_pattern_site_id'))

    op.drop_table('shift_pattern')
