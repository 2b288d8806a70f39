"""Label sheets: the QR labels a coordinator prints, cuts and sticks on a fridge door.

A label holds its tag's URL as a QR code, the site's name, what the label is for, and
the short code in large print for typing at /t when a camera cannot read the code.
Pages are drawn black on white at 300 dpi and saved as PDF pages of their true size.
"""
import io
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _

from pantry.tags import lettering

# Pillow and qrcode are imported by the functions that draw: a worker that never prints a label
# or a poster does not hold them (pantry.tags.posters, pantry.tags.lettering likewise).

DPI = 300
COLUMNS, ROWS = 3, 8
PER_PAGE = COLUMNS * ROWS
QUIET_ZONE = 4  # modules of white around a code, as the QR standard asks
MARGIN = 0.4  # inches at the page's edge that no label uses: most printers cannot print there
PADDING = 0.1  # inches of white between a cell's cut lines and what it holds
NAME_SIZE, CAPTION_SIZE, LARGEST_CODE_SIZE = 36, 28, 76  # pixels at 300 dpi: 8.6, 6.7, 18 pt
DASH, DASH_EVERY = 8, 24  # the cut lines: 8 pixels of ink every 24, so they print light


@dataclass(frozen=True)
class Label:
    """What one printed label says."""

    url: str
    code: str
    site_name: str
    caption: str


@dataclass(frozen=True)
class Paper:
    """A paper size, in inches."""

    width: float
    height: float

    def size(self, dpi=DPI):
        return round(self.width * dpi), round(self.height * dpi)


PAPERS = {"a4": Paper(210 / 25.4, 297 / 25.4), "letter": Paper(8.5, 11)}


def labels_for(tags, base_url):
    """The labels of `tags`, their captions in the current language."""
    base_url = base_url.rstrip("/")
    return [Label(f"{base_url}/t/{tag.code}", tag.code, tag.site.name, _caption(tag)) for tag in tags]


def _caption(tag):
    if tag.purpose == "item":
        return _("%(item)s: log what you take or add", item=tag.item.name)
    if tag.purpose == "care":
        return _("Cleaning checklist")
    if tag.site.kind == "freezer":
        return _("This freezer: see what's inside, log what you take or add")
    if tag.site.kind == "pantry":
        return _("This pantry shelf: see what's inside, log what you take or add")
    return _("This fridge: see what's inside, log what you take or add")


def label_sheet(labels, paper="a4"):
    """A PDF of `labels`, 3 across and 8 down on each page, light cut lines between them."""
    labels = list(labels)
    boxes = cells(paper)
    code_face = _code_face(labels, boxes[0])
    pages = []
    for start in range(0, max(len(labels), 1), PER_PAGE):
        page = _blank_page(paper)
        for label, box in zip(labels[start:start + PER_PAGE], boxes):
            _draw_label(page, label, box, code_face)
        pages.append(page)
    pdf = io.BytesIO()
    pages[0].save(pdf, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return pdf.getvalue()


def cells(paper, dpi=DPI):
    """The boxes (left, top, right, bottom) of one page's labels in pixels at `dpi`, row by row."""
    if paper not in PAPERS:
        raise ValueError(f"Unknown paper {paper!r}: choose one of {', '.join(PAPERS)}.")
    width, height = PAPERS[paper].size(dpi)
    margin = MARGIN * dpi
    across, down = (width - 2 * margin) / COLUMNS, (height - 2 * margin) / ROWS
    return [
        (round(margin + column * across), round(margin + row * down),
         round(margin + (column + 1) * across), round(margin + (row + 1) * down))
        for row in range(ROWS) for column in range(COLUMNS)
    ]


def _blank_page(paper):
    """A white page with dashed cut lines around every cell."""
    from PIL import Image

    page = Image.new("1", PAPERS[paper].size(), 1)
    boxes = cells(paper)
    left, top, right, bottom = boxes[0][0], boxes[0][1], boxes[-1][2], boxes[-1][3]
    for x in sorted({box[0] for box in boxes} | {right}):
        page.paste(_cut_line(bottom - top, down=True), (x - 1, top))
    for y in sorted({box[1] for box in boxes} | {bottom}):
        page.paste(_cut_line(right - left), (left, y - 1))
    return page


@cache
def _cut_line(length, down=False):
    """A dashed line two pixels thick, across the page or down it."""
    from PIL import Image
    from PIL.ImageDraw import Draw

    line = Image.new("1", (length + 1, 2), 1)
    draw = Draw(line)
    for x in range(0, length + 1, DASH_EVERY):
        draw.rectangle((x, 0, x + DASH - 1, 1), fill=0)
    return line.transpose(Image.Transpose.ROTATE_90) if down else line


def _draw_label(page, label, box, code_face):
    """The QR code on the left of the cell; the site's name, the caption and the code on its right."""
    left, top, right, bottom = box
    padding = round(PADDING * DPI)
    code, module = qr_code(label.url, bottom - top - 2 * padding)
    code_top = top + (bottom - top - code.height) // 2
    page.paste(code, (left + padding, code_top))

    # The words start where the code's quiet zone ends and span the height of its modules.
    x = left + padding + code.width
    width = right - padding - x
    first, last = code_top + QUIET_ZONE * module, code_top + code.height - QUIET_ZONE * module
    name_face, caption_face = lettering.font(NAME_SIZE), lettering.font(CAPTION_SIZE, "regular")

    baseline = first + lettering.cap_height(name_face)
    for line in lettering.wrap(label.site_name, name_face, width, 2):
        lettering.write(page, (x, baseline), line, name_face)
        baseline += lettering.line_height(name_face)
    lettering.write(page, (x, last), label.code, code_face)

    step = lettering.line_height(caption_face)
    baseline += step // 4
    room_ends = last - lettering.cap_height(code_face) - step // 3
    most = max((room_ends - baseline) // step + 1, 1)
    for line in lettering.wrap(label.caption, caption_face, width, most):
        lettering.write(page, (x, baseline), line, caption_face)
        baseline += step


def qr_code(url, room):
    """The QR code of `url` with its quiet zone, as large as fits `room` pixels in whole
    pixels per module (so its edges stay sharp), and that module size. Posters use it too."""
    import qrcode
    from PIL import Image
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    count = len(matrix)
    module = room // count
    if module < 2:
        raise ValueError(f"{url!r} is too long to print legibly on a label.")
    dots = bytes(0 if dark else 1 for row in matrix for dark in row)
    small = Image.frombytes("1", (count, count), dots, "raw", "1;8")
    return small.resize((count * module, count * module), Image.Resampling.NEAREST), module


def _code_face(labels, box):
    """The largest print in which every code of the sheet fits beside its QR code."""
    sample = lettering.font(100)
    widest = max((lettering.measure(label.code, sample) for label in labels), default=1)
    padding = round(PADDING * DPI)
    room = (box[2] - box[0]) - 2 * padding - (box[3] - box[1] - 2 * padding)
    return lettering.font(min(LARGEST_CODE_SIZE, int(100 * room / widest)))
