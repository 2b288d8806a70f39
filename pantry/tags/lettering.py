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


def write(draw, xy, text, face):
    """Draw `text` with its baseline at `xy`."""
    draw.text(xy, text, font=face, fill=0, anchor="ls")


def _shorten(line, face, width, cut=False):
    if not cut and measure(line, face) <= width:
        return line
    while line and measure(line + "…", face) > width:
        line = line[:-1]
    return line.rstrip() + "…"
