"""The words on a label, set in Source Sans Pro (shipped on PyPI as font-source-sans-pro,
SIL Open Font License), so no system fonts are needed and every Spanish letter prints."""
from functools import cache, lru_cache

import font_source_sans_pro

FACES = {"regular": "SourceSansPro-Regular.ttf", "bold": "SourceSansPro-Semibold.ttf"}


@cache
def font(size, weight="bold"):
    from PIL import ImageFont  # with the first label or poster drawn (pantry.tags.sheets)

    return ImageFont.truetype(f"{font_source_sans_pro.font_directory}/{FACES[weight]}", size)


def cap_height(face):
    return -face.getbbox("H", anchor="ls")[1]


def line_height(face):
    return round(face.size * 1.2)


@lru_cache(maxsize=4096)
def measure(text, face):
    """How far `text` advances, in pixels."""
    return face.getlength(text)


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


def write(page, xy, text, face):
    """Print `text` in black on the 1-bit `page`, its baseline starting at the whole pixel `xy`."""
    ink, left, top = _set(text, face)
    page.paste(0, (xy[0] + left, xy[1] + top), ink)


@lru_cache(maxsize=256)  # a few KB each: at most about a megabyte
def _set(text, face):
    """`text` set once as a 1-bit mask, and where the mask's corner lies from the baseline's start:
    a sheet prints its site's name and its captions many times over."""
    from PIL import Image
    from PIL.ImageDraw import Draw

    left, top, right, bottom = face.getbbox(text, anchor="ls")
    ink = Image.new("1", (max(right - left, 1), max(bottom - top, 1)), 0)
    Draw(ink).text((-left, -top), text, font=face, fill=1, anchor="ls")
    return ink, left, top


def _shorten(line, face, width, cut=False):
    if not cut and measure(line, face) <= width:
        return line
    while line and measure(line + "…", face) > width:
        line = line[:-1]
    return line.rstrip() + "…"
