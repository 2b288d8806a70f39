"""Reports on paper: lines of words set on A4 or US Letter pages, black on white, as a PDF
with a text layer (fpdf2), in the labels' typeface. The impact report's words
are here; the inspector's temperature log brings its own (pantry.coordinators.temperature_log)."""
import font_source_sans_pro
from flask_babel import format_date, format_decimal, format_percent, gettext as _, ngettext

from pantry.stock.models import DISCARD_REASONS

PAPERS = {"a4": "A4", "letter": "Letter"}
SIZES = {"title": 20, "heading": 14, "text": 10.5, "small": 9}  # points
FACES = {"regular": "SourceSansPro-Regular.ttf", "bold": "SourceSansPro-Semibold.ttf"}
WEIGHTS = {"title": "B", "heading": "B", "text": "", "small": ""}
MARGIN = 18  # millimetres


def pdf(lines, paper="a4", title=""):
    """`lines` of (style, text), wrapped to the page and run onto as many pages as they need.
    The words are a text layer (set in Source Sans Pro, so every Spanish letter and ° prints)."""
    from fpdf import FPDF  # on first use: fpdf2 and its font tools take 0.7 s to import

    document = FPDF(format=PAPERS[paper], unit="mm")
    document.set_margins(MARGIN, MARGIN)
    document.set_auto_page_break(True, MARGIN)
    document.add_font("sans", "", f"{font_source_sans_pro.font_directory}/{FACES['regular']}")
    document.add_font("sans", "B", f"{font_source_sans_pro.font_directory}/{FACES['bold']}")
    document.set_title(title or (lines[0][1] if lines else ""))
    document.set_creator("Pantry")
    document.add_page()
    for style, text in lines:
        if style == "heading":
            document.ln(3)
        document.set_font("sans", WEIGHTS[style], SIZES[style])
        document.multi_cell(0, SIZES[style] * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def days(within):
    return _("%(first)s to %(last)s", first=format_date(within.first, "d MMM y"), last=format_date(within.last, "d MMM y"))


def share(part, whole):
    return format_percent(part / whole) if whole else _("none")


def report_lines(report):
    title = report.site.name if report.site else _("The whole network")
    lines = [("title", _("Impact report: %(what)s", what=title)), ("text", days(report.within))]
    for name, figures in report.rows:
        lines.append(("heading", name or _("All sites together")))
        lines += [("text", text) for text in figure_words(figures)]
    lines.append(("small", _("Kilograms are estimated from each item's typical weight. Counts are what the ledger "
                             "holds: what takes, restocks and discards did to the stock.")))
    return lines


def figure_words(figures):
    """The report's figures as sentences, the same on the page, on paper and in the PDF."""
    said = [
        _("Items taken: %(count)d (food that reached people)", count=figures.taken),
        _("Estimated weight taken: %(kg)s kg", kg=format_decimal(round(figures.kilograms, 1))) + " · "
        + ngettext("%(num)d item taken had no typical weight", "%(num)d items taken had no typical weight",
                   figures.taken_without_weight),
        _("Items added: %(count)d", count=figures.added),
        _("Items discarded: %(count)d", count=figures.discarded_total) + " ("
        + ", ".join(f"{_reason(reason)} {count}" for reason, count in figures.discarded.items()) + ")",
    ]
    if figures.sent or figures.received:
        said.append(_("Sent to other sites: %(sent)d · received: %(received)d", sent=figures.sent,
                      received=figures.received))
    said += [
        _("Cleaning visits: %(count)d, on %(share)s of days", count=figures.visits,
          share=share(figures.days_cared, figures.days)),
        _("Thermometer readings: %(count)d, %(share)s in range", count=figures.readings,
          share=share(figures.readings_in_range, figures.readings)),
        _("Shifts done: %(count)d · volunteer hours: %(hours)s", count=figures.shifts_done,
          hours=format_decimal(round(figures.volunteer_hours, 1))),
        _("Asks from neighbours: %(asks)d · promises kept: %(kept)d, bringing %(brought)d items",
          asks=figures.asks, kept=figures.promises_kept, brought=figures.brought_as_promised),
        _("Times too warm: %(count)d, of which %(flagged)d put food in question", count=figures.excursions,
          flagged=figures.excursions_flagged),
    ]
    if figures.batches_flagged:
        said.append(_("Batches put in question: %(count)d · cleared by a coordinator, with a reason: %(cleared)d",
                      count=figures.batches_flagged, cleared=figures.flags_cleared))
    return said


def _reason(reason):
    return str(DISCARD_REASONS.get(reason, _("reason not said"))).lower()
