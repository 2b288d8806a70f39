"""The indexes coordinators' long lists page along: a site's ledger by (site, time, id), the journal
by (time, id), sites by name, items by category and name, the week's shifts by start, open reports
by their latest word

Revision ID: l18a0lists
Revises: p16a0sealtotp
Create Date: 2026-12-03 17:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "l18a0lists"
down_revision = "p16a0sealtotp"  # after the sealing, so the migrations keep one head
branch_labels = None
depends_on = None

OPEN = sa.text("closed_at IS NULL")


def upgrade():
    # The ledger's (site, time) index gains the id: a page starts after an entry, and ties are ordered.
    op.drop_index("ix_movement_site_time", table_name="movement")
    op.create_index("ix_movement_site_time", "movement", ["site_id", "created_at", "id"], unique=False)
    op.drop_index("ix_journal_entry_at", table_name="journal_entry")
    op.create_index("ix_journal_entry_time", "journal_entry", ["at", "id"], unique=False)
    op.create_index("ix_site_name", "site", ["name", "id"], unique=False)
    op.create_index("ix_item_category_name", "item", ["category", "name", "id"], unique=False)
    op.create_index("ix_shift_starts", "shift", ["starts_at", "id"], unique=False)
    op.create_index("ix_report_open_time", "report", ["last_reported_at", "id"], unique=False,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index("ix_report_open_time", table_name="report", sqlite_where=OPEN, postgresql_where=OPEN)
    op.drop_index("ix_shift_starts", table_name="shift")
    op.drop_index("ix_item_category_name", table_name="item")
    op.drop_index("ix_site_name", table_name="site")
    op.drop_index("ix_journal_entry_time", table_name="journal_entry")
    op.create_index("ix_journal_entry_at", "journal_entry", ["at"], unique=False)
    op.drop_index("ix_movement_site_time", table_name="movement")
    op.create_index("ix_movement_site_time", "movement", ["site_id", "created_at"], unique=False)
