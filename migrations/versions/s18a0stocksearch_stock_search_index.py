"""The search reads its matches from the stock's (item, quantity, site) index alone: the index by
(item, quantity) gains the site, so counting and sorting the matches visit no stock row

Revision ID: s18a0stocksearch
Revises: l18a0lists
Create Date: 2026-12-04 02:00:00.000000

"""
from alembic import op

revision = "s18a0stocksearch"
down_revision = "l18a0lists"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_stock_item_quantity", table_name="stock")
    op.create_index("ix_stock_item_quantity_site", "stock", ["item_id", "quantity", "site_id"], unique=False)


def downgrade():
    op.drop_index("ix_stock_item_quantity_site", table_name="stock")
    op.create_index("ix_stock_item_quantity", "stock", ["item_id", "quantity"], unique=False)
