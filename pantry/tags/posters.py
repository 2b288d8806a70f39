"""The "what we need" poster for a site's door or a shop window: the site's name, what it
needs now (the emptiest first, with how many are wanted), what it takes and does not take,
and its QR code with the short code in large print.

Drawn like the label sheets (pantry.tags.sheets): black on white at 300 dpi, in Source Sans
Pro, one PDF page of the paper's true size. `layout` decides where every word goes and
returns it; `draw` only inks what `layout` placed."""
import io
from dataclasses import dataclass, field

from flask_babel import format_date, gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import select

from pantry.refusals import Refusal
from pantry.stock import shelves
from pantry.tags import lettering, sheets
from pantry.tags.models import Tag

MARGIN = 0.55  # inches
QR_ROOM = 2.1  # inches for the code and its quiet zone
SIZES = {"kicker": 64, "name": 150, "address": 58, "heading": 112, "hint": 54, "need": 80,
         "column": 80, "food": 60, "scan": 76, "code": 170}  # pixels at 300 dpi: 170 is 41 pt
FOODS_KEPT = 8  # accepted and not-accepted foods printed, at most, each
PAPERS = sheets.PAPERS


class UnknownPaper(Refusal):
    code = "unknown_paper"
    status = 404
    message = _l("Posters print on A4 or US Letter paper only.")


@dataclass(frozen=True)
class Poster:
    """What one poster says, already in the reader's language."""

    site_name: str
    kicker: str
    address: str
    needs: tuple  # (item name, how many are wanted), the emptiest first
    accepted: tuple
    not_accepted: tuple
    label: sheets.Label | None  # the site's live tag, or None: then no QR code
    page_url: str
    as_of: str


@dataclass(frozen=True)
class Text:
    x: int
    y: int  # the baseline
    text: str
    size: int
    weight: str = "regular"


@dataclass
class Layout:
    paper: str
    texts: list = field(default_factory=list)
    marks: list = field(default_factory=list)  # ("rule" | "check" | "cross", (left, top, right, bottom))
    qr: tuple | None = None  # (x, y, image) of the QR code

    def write(self, x, y, text, size, weight="regular"):
        self.texts.append(Text(round(x), round(y), text, size, weight))

    @property
    def lines(self):
        return [text.text for text in self.texts]


def poster_for(session, site, base_url, accepted, not_accepted, today):
    """The poster of `site` as it stands on `today`: its needs and its newest live site tag."""
    tag = session.scalar(
        select(Tag).where(Tag.site_id == site.id, Tag.purpose == "site", Tag.revoked_at.is_(None))
        .order_by(Tag.id.desc()).limit(1)
    )
    kickers = {"fridge": _("Community fridge"), "freezer": _("Community freezer"), "pantry": _("Community pantry")}
    return Poster(
        site.name, kickers.get(site.kind, ""), site.address,
        tuple((stock.item.name, stock.shortfall) for stock in shelves.needs(session, site.id)),
        tuple(str(food) for food in accepted)[:FOODS_KEPT],
        tuple(str(food) for food in not_accepted)[:FOODS_KEPT],
        sheets.labels_for([tag], base_url)[0] if tag else None,
        f"{base_url.rstrip('/')}/sites/{site.slug}",
        format_date(today, format="d MMMM y"),
    )


def poster_pdf(poster, paper="a4"):
    if paper not in PAPERS:
        raise UnknownPaper()
    page = draw(layout(poster, paper))
    pdf = io.BytesIO()
    page.save(pdf, "PDF", resolution=sheets.DPI)
    return pdf.getvalue()


def layout(poster, paper):
    """Every word of the poster and where it goes, top to bottom; the needs get the room left."""
    width, height = sheets.PAPERS[paper].size()
    margin = round(MARGIN * sheets.DPI)
    left, right, bottom = margin, width - margin, height - margin
    placed = Layout(paper)
    face = lettering.font

    y = margin + lettering.cap_height(face(SIZES["kicker"], "regular"))
    placed.write(left, y, poster.kicker.upper(), SIZES["kicker"])
    y = _lines(placed, left, y + lettering.line_height(face(SIZES["name"])), poster.site_name, "name",
               right - left, 2, "bold")
    if poster.address:
        y = _lines(placed, left, y + lettering.line_height(face(SIZES["address"], "regular")) + 24, poster.address,
                   "address", right - left, 1)
    y += 56  # below the descenders
    placed.marks.append(("rule", (left, y, right, y + 10)))

    foot_top = _foot(placed, poster, left, right, bottom)
    rules_top = _foods(placed, poster, left, right, foot_top - 90)
    _needs(placed, poster, left, right, y + 10, rules_top - 130)
    return placed


def _lines(placed, x, y, text, size, width, most, weight="regular"):
    """Wrap `text` from baseline `y`; returns the last baseline."""
    face = lettering.font(SIZES[size], weight)
    for number, line in enumerate(lettering.wrap(text, face, width, most)):
        if number:
            y += lettering.line_height(face)
        placed.write(x, y, line, SIZES[size], weight)
    return y


def _needs(placed, poster, left, right, top, bottom):
    heading, hint, need = (lettering.font(SIZES["heading"]), lettering.font(SIZES["hint"], "regular"),
                           lettering.font(SIZES["need"], "regular"))
    y = top + 40 + lettering.line_height(heading)
    placed.write(left, y, _("What we need"), SIZES["heading"], "bold")
    y += lettering.line_height(hint) + 24
    if not poster.needs:
        _lines(placed, left, y, _("As of %(date)s, nothing in particular: everything is at its usual level. "
                                   "Thank you!", date=poster.as_of), "hint", right - left, 3)
        return
    placed.write(left, y, _("As of %(date)s, the emptiest first:", date=poster.as_of), SIZES["hint"])
    step = round(lettering.line_height(need) * 1.15)
    room = max((bottom - y) // step, 1)
    shown = poster.needs if len(poster.needs) <= room else poster.needs[:room - 1]
    for name, wanted in shown:
        y += step
        count = ngettext("%(num)d wanted", "%(num)d wanted", wanted)
        count_width = lettering.measure(count, lettering.font(SIZES["need"]))
        line = (lettering.wrap(name, need, right - left - count_width - 60, 1) or ("",))[0]
        placed.write(left, y, line, SIZES["need"])
        placed.write(right - count_width, y, count, SIZES["need"], "bold")
        placed.marks.append(("rule", (left, y + 28, right, y + 30)))
    if len(shown) < len(poster.needs):
        more = len(poster.needs) - len(shown)
        placed.write(left, y + step, ngettext("and %(num)d more item: see the site's page",
                                              "and %(num)d more items: see the site's page", more), SIZES["hint"])


def _foods(placed, poster, left, right, bottom):
    """Two columns, the foods taken (ticked) and those not taken (crossed), ending above
    `bottom`; returns where they start."""
    gap, space = 90, 20
    width = (right - left - gap) // 2
    heading, item = lettering.font(SIZES["column"]), lettering.font(SIZES["food"], "regular")
    step, mark = lettering.line_height(item), lettering.cap_height(item)
    indent = mark + 30
    columns = [
        (left, _("Please bring"), "check", [lettering.wrap(food, item, width - indent, 3) for food in poster.accepted]),
        (left + width + gap, _("Please do not bring"), "cross",
         [lettering.wrap(food, item, width - indent, 3) for food in poster.not_accepted]),
    ]
    tallest = max(sum(len(lines) * step + space for lines in column[-1]) for column in columns)
    top = bottom - tallest - lettering.line_height(heading)
    for x, title, kind, foods in columns:
        y = top + lettering.cap_height(heading)
        placed.write(x, y, title, SIZES["column"], "bold")
        y += space
        for lines in foods:
            y += step
            placed.marks.append((kind, (x, y - mark, x + mark, y)))
            for line in lines:
                placed.write(x + indent, y, line, SIZES["food"])
                y += step
            y += space - step
    return top


def _foot(placed, poster, left, right, bottom):
    """The QR code and the code to type, or the page's address when the site has no tag; returns its top."""
    scan, hint = lettering.font(SIZES["scan"]), lettering.font(SIZES["hint"], "regular")
    room = round(QR_ROOM * sheets.DPI)
    if poster.label is None:
        top = bottom - 3 * lettering.line_height(scan)
        placed.marks.append(("rule", (left, top - 40, right, top - 34)))
        y = _lines(placed, left, top + lettering.cap_height(scan), _("See what it has now at:"), "scan",
                   right - left, 1, "bold")
        _lines(placed, left, y + lettering.line_height(scan), poster.page_url, "scan", right - left, 1)
        return top - 40
    image, module = sheets.qr_code(poster.label.url, room)
    top = bottom - image.height
    placed.qr = (left, top, image)
    x = left + image.width + 20
    quiet = sheets.QUIET_ZONE * module
    y = _lines(placed, x, top + quiet + lettering.cap_height(scan), _("Scan to see what is inside now"), "scan",
               right - x, 2, "bold")
    host = poster.label.url.split("://", 1)[-1].rsplit("/", 1)[0]
    _lines(placed, x, y + lettering.line_height(hint) + 10,
           _("No camera? Go to %(address)s and type:", address=host), "hint", right - x, 2)
    placed.write(x, top + image.height - quiet, poster.label.code, SIZES["code"], "bold")
    placed.marks.append(("rule", (left, top - 40, right, top - 34)))
    return top - 40


def draw(placed):
    """The page of `placed`, black on white."""
    from PIL import Image  # with the first poster drawn (pantry.tags.sheets)
    from PIL.ImageDraw import Draw

    page = Image.new("1", sheets.PAPERS[placed.paper].size(), 1)
    pen = Draw(page)
    for text in placed.texts:
        lettering.write(page, (text.x, text.y), text.text, lettering.font(text.size, text.weight))
    for kind, (left, top, right, bottom) in placed.marks:
        if kind == "rule":
            pen.rectangle((left, top, right, bottom), fill=0)
        elif kind == "check":
            side = right - left
            pen.line([(left + side * 0.08, top + side * 0.55), (left + side * 0.4, top + side * 0.88),
                      (left + side * 0.95, top + side * 0.12)], fill=0, width=round(side * 0.16), joint="curve")
        else:
            side = right - left
            pen.line([(left + side * 0.12, top + side * 0.12), (right - side * 0.12, bottom - side * 0.12)],
                     fill=0, width=round(side * 0.16))
            pen.line([(left + side * 0.12, bottom - side * 0.12), (right - side * 0.12, top + side * 0.12)],
                     fill=0, width=round(side * 0.16))
    if placed.qr is not None:
        x, y, image = placed.qr
        page.paste(image, (x, y))
    return page
