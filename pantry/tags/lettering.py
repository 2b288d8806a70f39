"""The words on a label, drawn with Pillow's built-in font so no system fonts are needed.

That font (Aileron) carries ASCII and a few signs but no accented letters, so those are
drawn as the plain letter with its mark on top: "Leche, añade" prints as written. Signs
it lacks otherwise fall back to a plain equivalent, or to the font's empty box.
"""
import unicodedata
from functools import cache, lru_cache

from PIL import Image, ImageDraw, ImageFont

MARKS = {"\u0300": "`", "\u0301": "´", "\u0302": "^", "\u0303": "~", "\u0308": "..", "\u0327": ","}
CEDILLA = "\u0327"
TURNED = {"¿": "?", "¡": "!"}
PLAIN = {"\u00a0": " ", "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-"}


@cache
def font(size):
    return ImageFont.load_default(size=size)


def cap_height(face):
    return -_ink(face, "H")[1]


def line_height(face):
    return round(face.size * 1.25)


@lru_cache(maxsize=4096)
def measure(text, face):
    """How far `text` advances, in pixels."""
    return sum(face.getlength(glyphs) for _, glyphs, _ in _pieces(text))


@lru_cache(maxsize=512)
def wrap(text, face, width, most):
    """`text` broken into at most `most` lines of `width`, ending in … where it was cut."""
    words = text.split()
    space = measure(" ", face)
    lines = []
    while words and len(lines) < most:
        line = words.pop(0)
        used = measure(line, face)
        while words and used + space + measure(words[0], face) <= width:
            used += space + measure(words[0], face)
            line += " " + words.pop(0)
        lines.append(line if used <= width else _shorten(line, face, width))
    if words:
        lines[-1] = _shorten(lines[-1], face, width, cut=True)
    return tuple(lines)


def _shorten(line, face, width, cut=False):
    if not cut and measure(line, face) <= width:
        return line
    while line and measure(line + "…", face) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def write(draw, xy, text, face):
    """Draw one line of `text` in black, its baseline starting at `xy`.
    Lines are set once and reused: a sheet repeats its site names and captions."""
    mask, (left, top) = _set(text, face)
    draw.bitmap((round(xy[0]) + left, round(xy[1]) + top), mask, fill=0)


@lru_cache(maxsize=128)  # a few MB at most: each is a small bitmap
def _set(text, face):
    """`text` as a mask (ink 255) and where its corner sits from the baseline's start."""
    ascent, descent = face.getmetrics()
    left, top = -(face.size // 4), -(ascent + face.size // 3)  # room for marks on capitals
    width = round(measure(text, face)) - 2 * left
    mask = Image.new("L", (width, descent + face.size // 4 - top), 0)
    draw = ImageDraw.Draw(mask)
    x, y = -left, -top
    for kind, glyphs, marks in _pieces(text):
        if kind == "run":
            draw.text((x, y), glyphs, font=face, fill=255, anchor="ls")
        elif kind == "marked":
            _draw_marked(draw, (x, y), glyphs, marks, face)
        else:
            sign, sign_left = _turned(glyphs, face)
            draw.bitmap((round(x + sign_left), y - x_height(face)), sign, fill=255)
        x += face.getlength(glyphs)
    return mask, (left, top)


@lru_cache(maxsize=512)
def _pieces(text):
    """`text` as runs the font can draw, letters that need a mark drawn on, and turned signs."""
    pieces, run = [], ""
    for char in unicodedata.normalize("NFC", text):
        piece = _letter(char)
        if piece[0] == "run":
            run += piece[1]
            continue
        if run:
            pieces.append(("run", run, ""))
            run = ""
        pieces.append(piece)
    if run:
        pieces.append(("run", run, ""))
    return tuple(pieces)


@cache
def _letter(char):
    if _has_glyph(char) or char in PLAIN:
        return "run", PLAIN.get(char, char), ""
    if char in TURNED:
        return "turned", TURNED[char], ""
    base, *marks = unicodedata.normalize("NFD", char)
    if marks and _has_glyph(base) and all(mark in MARKS for mark in marks):
        return "marked", base, "".join(marks)
    plain = unicodedata.normalize("NFKD", char)
    return "run", plain if all(_has_glyph(each) for each in plain) else char, ""


def _has_glyph(char):
    face = font(24)
    return _bitmap(face, char) != _bitmap(face, "\ufffe")  # a noncharacter: the empty box


@cache
def _bitmap(face, char):
    mask = face.getmask(char)
    return mask.size, bytes(mask)


def _draw_marked(draw, xy, base, marks, face):
    x, y = xy
    draw.text((x, y), base, font=face, fill=255, anchor="ls")
    left, top, right, _bottom = _ink(face, base)
    if base in "ij":  # the mark takes the place of the dot
        draw.rectangle((x + left, y + top, x + right, y - x_height(face) - 1), fill=0)
        top = -x_height(face)
    gap = max(2, face.size // 12)
    for mark in marks:
        sign = MARKS[mark]
        sign_left, sign_top, sign_right, sign_bottom = _ink(face, sign)
        sign_x = x + (left + right) / 2 - (sign_left + sign_right) / 2
        if mark == CEDILLA:  # it hangs under the letter
            draw.text((sign_x, y + gap // 2 - sign_top), sign, font=face, fill=255, anchor="ls")
            continue
        lifted = top - gap - sign_bottom
        draw.text((sign_x, y + lifted), sign, font=face, fill=255, anchor="ls")
        top = lifted + sign_top


@cache
def _ink(face, text):
    """Where the ink of `text` lies around its baseline's start: (left, top, right, bottom)."""
    mask, (x, y) = face.getmask2(text, mode="1", anchor="ls")
    left, top, right, bottom = mask.getbbox() or (0, 0, 0, 0)
    return x + left, y + top, x + right, y + bottom


def x_height(face):
    return -_ink(face, "x")[1]


@cache
def _turned(sign, face):
    """An upside-down sign as a mask, and where its ink starts: ¿ is a turned ?."""
    left, top, right, bottom = _ink(face, sign)
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), sign, font=face, fill=255, anchor="ls")
    return mask.rotate(180), left
