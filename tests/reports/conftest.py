"""Fixtures for reports: a fridge, a word about it, and photos made here (with GPS EXIF where asked)."""
import io
from datetime import timedelta

import pytest
from PIL import Image

from pantry.reports import rules
from tests.conftest import NOW, key

WINDOW = timedelta(hours=6)


@pytest.fixture
def fridge(make_site):
    return make_site("Corner Fridge")


@pytest.fixture
def report(session, fridge):
    """Report `kind` at `site` (the fridge) at `now` (NOW), committed; returns the entry."""
    def make(kind="dirty", note="", now=NOW, site=None, photo=None, word_key=None):
        word = rules.Word(kind, note, word_key or key(), photo)
        entry = rules.report(session, site or fridge, word, now, window=WINDOW)
        session.commit()
        return entry

    return make


def jpeg_with_gps(size=(3000, 2000)):
    """A JPEG as a phone writes it: EXIF with a camera, a time and a GPS position."""
    picture = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0132] = "2026:11:20 10:00:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (40.0, 42.0, 46.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "W", (74.0, 0.0, 21.0)  # GPSLongitudeRef, GPSLongitude
    written = io.BytesIO()
    picture.save(written, "JPEG", exif=exif, quality=90)
    return written.getvalue()


def png(size=(800, 600), colour=(10, 120, 60)):
    written = io.BytesIO()
    Image.new("RGB", size, colour).save(written, "PNG")
    return written.getvalue()
