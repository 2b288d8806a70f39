"""A site's needs, to share: a page whose Open Graph and Twitter card tags carry the site's
name and what it needs most, and its card, a 1200x630 PNG drawn here with Pillow in the
page's language, kept per process until the site's needs change.

The card is a palette PNG of its three colours and the blends between them that smooth the
letters (PALETTE): flat colours compress about four times better than the full-colour drawing.
The share page itself shows the card's words as a preview in HTML and links to the picture, so
the page a phone opens stays one round trip (the card is for the chats that unfurl the link)."""
import io

import font_source_sans_pro
from flask import abort, current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale, gettext as _
from sqlalchemy import func, select

from pantry.database import utcnow
from pantry.extensions import db
from pantry.needs import listing
from pantry.needs.blueprint import bp, site_or_404, window_days
from pantry.network import default_language
from pantry.stock.models import Movement

SIZE = (1200, 630)
SHOWN = 4  # needs on the card and in the description
KEPT = 256  # cards kept per process
INK, PAPER, ACCENT = (20, 33, 28), (250, 247, 240), (22, 101, 73)
BLENDS = 3  # steps from the paper to the ink and to the accent: enough to smooth the letters' edges


def _blend(start, end, part):
    return tuple(round(a + (b - a) * part) for a, b in zip(start, end, strict=True))


PALETTE = [PAPER, INK, ACCENT] + [_blend(PAPER, colour, step / BLENDS) for colour in (INK, ACCENT)
                                  for step in range(1, BLENDS)]


def _version(site_id):
    latest = db.session.scalar(select(func.max(Movement.id)).where(Movement.site_id == site_id))
    return (latest, *listing.version(db.session, site_id))


def _top(site):
    return listing.site_needs(db.session, site.id, utcnow(), window_days(), limit=SHOWN)


def description(needs):
    if not needs:
        return _("Nothing in particular right now. Take what you need, leave what you can.")
    return _("Needs most: %(items)s", items=", ".join(need.item.name for need in needs))


@bp.get("/sites/<slug>/share")
def share(slug):
    site = site_or_404(slug)
    needs, language = _top(site), str(get_locale())
    version = "-".join(str(part) for part in _version(site.id))
    base = current_app.config["BASE_URL"]
    card = base + url_for("needs.card", slug=site.slug, lang=language, v=version)
    return render_template("needs/share.html", site=site, needs=needs, description=description(needs),
                           lines=[need_words(need) for need in needs],
                           card=card, page=base + url_for("needs.share", slug=site.slug), ask_days=window_days(),
                           ask_week=window_days() == 7)


@bp.get("/sites/<slug>/card.png")
def card(slug):
    site = site_or_404(slug)
    language = request.args.get("lang", default_language())
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    kept = current_app.extensions.setdefault("pantry.needs.cards", {})
    key = (site.id, language, _version(site.id))
    if key not in kept:
        if len(kept) >= KEPT:
            kept.clear()
        with force_locale(language):
            kept[key] = draw(site.name, _top(site))
    response = current_app.response_class(kept[key], mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _font(size, weight="Semibold"):
    from PIL import ImageFont

    return ImageFont.truetype(f"{font_source_sans_pro.font_directory}/SourceSansPro-{weight}.ttf", size)


def _fit(pen, text, face, width):
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if pen.textlength(text, font=face) <= width:
        return text
    while text and pen.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text + "…"


def draw(name, needs):
    """The card: the site's name, "What it needs most", the needs with their words, and a call.
    Pillow is loaded with the first card a worker draws (a worker that draws none does not hold it)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, PAPER)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, SIZE[0], 24), fill=ACCENT)
    pen.text((60, 70), _fit(pen, name, _font(72), 1080), font=_font(72), fill=INK)
    pen.text((60, 170), _("What it needs most"), font=_font(44, "Regular"), fill=ACCENT)
    y = 240
    for need in needs or []:
        pen.text((60, y), _fit(pen, "• " + need_words(need), _font(48), 1080), font=_font(48), fill=INK)
        y += 70
    if not needs:
        pen.text((60, y), _("Nothing in particular right now."), font=_font(48), fill=INK)
    pen.text((60, 560), _("Take what you need, leave what you can."), font=_font(36, "Regular"), fill=INK)
    out = io.BytesIO()
    _palette(image).save(out, "PNG", optimize=True)
    return out.getvalue()


def need_words(need):
    """One need as the card and its preview say it."""
    if need.still_needed:
        return _("%(item)s: %(count)d still needed", item=need.item.name, count=need.still_needed)
    if need.asks:
        return _("%(item)s: asked for by neighbours", item=need.item.name)
    return need.item.name


def _palette(image):
    """The drawing in PALETTE's colours, each pixel the nearest one (no dithering: flat runs compress)."""
    from PIL import Image

    colours = Image.new("P", (1, 1))
    colours.putpalette([value for colour in PALETTE for value in colour])
    return image.quantize(palette=colours, dither=Image.Dither.NONE)
