"""The journal, reviews, agreement to invitations, email links and recoveries

Revision ID: p16a0journal
Revises: fdd01738950a
Create Date: 2026-12-02 17:40:18.243171

"""
import sqlalchemy as sa
from alembic import op

import pantry.database

# revision identifiers, used by Alembic.
revision = 'p16a0journal'
down_revision = 'fdd01738950a'
branch_labels = None
depends_on = None


# The journal is append-only: the database refuses to change its lines (and, on PostgreSQL, to delete them).
APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER journal_entry_no_update BEFORE UPDATE ON journal_entry "
        "BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION journal_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the journal is append-only'; END $$",
        "CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry "
        "FOR EACH ROW EXECUTE FUNCTION journal_entry_append_only()",
    ],
}


def upgrade():
    op.create_table('email_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('expires_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('used_at', pantry.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'], name=op.f('fk_email_confirmation_coordinator_id_coordinator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_confirmation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_confirmation_token_hash'))
    )
    with op.batch_alter_table('email_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_confirmation_coordinator_id'), ['coordinator_id'], unique=False)

    op.create_table('journal_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('who', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'], name=op.f('fk_journal_entry_coordinator_id_coordinator')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_journal_entry_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entry'))
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_coordinator_id'), ['coordinator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_site_id'), ['site_id'], unique=False)
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)

    op.create_table('recovery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('agreed_by_id', sa.Integer(), nullable=True),
    sa.Column('agreed_at', pantry.database.UTCDateTime(), nullable=True),
    sa.Column('handed_by_id', sa.Integer(), nullable=True),
    sa.Column('handed_at', pantry.database.UTCDateTime(), nullable=True),
    sa.Column('told_at', pantry.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agreed_by_id'], ['coordinator.id'], name=op.f('fk_recovery_agreed_by_id_coordinator')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['coordinator.id'], name=op.f('fk_recovery_asked_by_id_coordinator')),
    sa.ForeignKeyConstraint(['handed_by_id'], ['coordinator.id'], name=op.f('fk_recovery_handed_by_id_coordinator')),
    sa.ForeignKeyConstraint(['subject_id'], ['coordinator.id'], name=op.f('fk_recovery_subject_id_coordinator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery'))
    )
    with op.batch_alter_table('recovery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_subject_id'), ['subject_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('opened_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('round_ends_at', pantry.database.UTCDateTime(), nullable=False),
    sa.Column('closed_at', pantry.database.UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=8), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('remove', 'keep')", name=op.f('ck_review_outcome')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['coordinator.id'], name=op.f('fk_review_opened_by_id_coordinator')),
    sa.ForeignKeyConstraint(['subject_id'], ['coordinator.id'], name=op.f('fk_review_subject_id_coordinator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_opened_by_id'), ['opened_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_subject_id'), ['subject_id'], unique=False)

    op.create_table('review_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=False),
    sa.Column('remove', sa.Integer(), nullable=False),
    sa.Column('keep', sa.Integer(), nullable=False),
    sa.Column('discuss', sa.Integer(), nullable=False),
    sa.Column('cast_at', pantry.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint('discuss BETWEEN -2 AND 2', name=op.f('ck_review_vote_discuss_score')),
    sa.CheckConstraint('keep BETWEEN -2 AND 2', name=op.f('ck_review_vote_keep_score')),
    sa.CheckConstraint('remove BETWEEN -2 AND 2', name=op.f('ck_review_vote_remove_score')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_vote_review_id_review')),
    sa.ForeignKeyConstraint(['voter_id'], ['coordinator.id'], name=op.f('fk_review_vote_voter_id_coordinator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_vote')),
    sa.UniqueConstraint('review_id', 'round', 'voter_id', name=op.f('uq_review_vote_review_id'))
    )
    with op.batch_alter_table('review_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_vote_review_id'), ['review_id'], unique=False)

    op.create_table('review_voter',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'], name=op.f('fk_review_voter_coordinator_id_coordinator')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_voter_review_id_review')),
    sa.PrimaryKeyConstraint('review_id', 'coordinator_id', name=op.f('pk_review_voter'))
    )
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_at', pantry.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('left_at', pantry.database.UTCDateTime(), nullable=True))

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('needs_agreement', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('agreed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agreed_at', pantry.database.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invitation_agreed_by_id_coordinator'), 'coordinator', ['agreed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_invitation_invited_by_id_coordinator'), 'coordinator', ['invited_by_id'], ['id'])
    # The defaults were for the rows already there; the models give every new row its value.
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.alter_column('language', server_default=None)
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.alter_column('needs_agreement', server_default=None)
    # Who had a password had joined: since when is not known, so since they were invited.
    op.execute("UPDATE coordinator SET joined_at = created_at WHERE password_hash IS NOT NULL")


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitation_invited_by_id_coordinator'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_invitation_agreed_by_id_coordinator'), type_='foreignkey')
        batch_op.drop_column('agreed_at')
        batch_op.drop_column('agreed_by_id')
        batch_op.drop_column('needs_agreement')
        batch_op.drop_column('invited_by_id')

    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.drop_column('left_at')
        batch_op.drop_column('language')
        batch_op.drop_column('joined_at')

    op.drop_table('review_voter')
    with op.batch_alter_table('review_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_vote_review_id'))

    op.drop_table('review_vote')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_subject_id'))
        batch_op.drop_index(batch_op.f('ix_review_opened_by_id'))

    op.drop_table('review')
    with op.batch_alter_table('recovery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_subject_id'))

    op.drop_table('recovery')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_site_id'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_kind'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_coordinator_id'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_at'))

    op.drop_table('journal_entry')  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS journal_entry_append_only()")
    with op.batch_alter_table('email_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_confirmation_coordinator_id'))

    op.drop_table('email_confirmation')
