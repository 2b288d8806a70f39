"""A 100-label sheet next to the 100 QR images alone: what layout, lettering and the PDF add."""
import time

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import select

from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock.models import Item
from pantry.tags import sheets
from pantry.tags.models import Tag, new_code

LABELS = 100
ROUNDS = 3
MODULE_PIXELS = 9  # a module's size on an A4 sheet at 300 dpi, for codes of this length


def measure(app):
    """Best of three, fresh codes each round: (sheet seconds, QR-only seconds, pages' bytes)."""
    with app.app_context():
        sites = db.session.scalars(select(Site).order_by(Site.id)).all()
        items = db.session.scalars(select(Item).order_by(Item.id)).all()
        base_url = app.config["BASE_URL"]
        sheet_times, qr_times = [], []
        for _ in range(ROUNDS):
            tags = _tags(sites, items)
            urls = [f"{base_url}/t/{tag.code}" for tag in tags]
            started = time.perf_counter()
            for url in urls:
                qrcode.make(url, error_correction=ERROR_CORRECT_M, box_size=MODULE_PIXELS, border=4)
            qr_times.append(time.perf_counter() - started)

            tags = _tags(sites, items)
            started = time.perf_counter()
            pdf = sheets.label_sheet(sheets.labels_for(tags, base_url), "a4")
            sheet_times.append(time.perf_counter() - started)
        db.session.rollback()
    return min(sheet_times), min(qr_times), len(pdf)


def _tags(sites, items):
    """What a coordinator prints for a network: each site's tag, its care tag, and its items."""
    tags = []
    while len(tags) < LABELS:
        site = sites[len(tags) // 25 % len(sites)]
        tags.append(Tag(code=new_code(), site=site, purpose="site"))
        tags.append(Tag(code=new_code(), site=site, purpose="care"))
        tags += [Tag(code=new_code(), site=site, item=item, purpose="item") for item in items[:23]]
    return tags[:LABELS]
