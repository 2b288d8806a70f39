"""The photo decoder: what it takes (by content), what it refuses, and that nothing but pixels survives."""
import io
import json
import shutil
import subprocess
import zipfile

import pillow_heif
import pytest
from PIL import Image

from pantry.reports import photos
from pantry.reports.errors import NotAnImage, PhotoTooLarge, TooManyPixels
from tests.reports.conftest import jpeg_with_gps, png

LIMITS = photos.Limits(most_pixels=50_000_000, side=1600, most_bytes=400 * 1024)


def read_back(data):
    return Image.open(io.BytesIO(data))


def test_a_gps_tagged_jpeg_keeps_no_metadata_by_pillow():
    sent = jpeg_with_gps()
    assert read_back(sent).getexif().get_ifd(0x8825), "the fixture must carry GPS to prove anything"
    kept = photos.prepare(sent, LIMITS)
    picture = read_back(kept.data)
    assert picture.format == "WEBP" and kept.media_type == "image/webp"
    assert len(picture.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(picture.info)
    assert max(picture.size) == 1600 and (kept.width, kept.height) == picture.size == (1600, 1067)
    assert len(kept.data) <= LIMITS.most_bytes


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed")
def test_a_gps_tagged_jpeg_keeps_no_metadata_by_exiftool(tmp_path):
    sent, kept = tmp_path / "sent.jpg", tmp_path / "kept.webp"
    sent.write_bytes(jpeg_with_gps())
    kept.write_bytes(photos.prepare(sent.read_bytes(), LIMITS).data)

    def tags(path):
        found = subprocess.run(["exiftool", "-json", "-a", "-G1", "-s", str(path)], capture_output=True, check=True)
        return {name for name in json.loads(found.stdout)[0]
                if name.split(":")[0] not in {"SourceFile", "ExifTool", "System", "File"}}  # the file itself

    assert {"IFD0:Make", "GPS:GPSLatitude", "Composite:GPSPosition"} <= tags(sent), "the fixture must carry GPS"
    # Only the WebP frame's own fields and what exiftool works out from them: no EXIF, XMP, GPS or ICC.
    assert tags(kept) == {"RIFF:VP8Version", "RIFF:ImageWidth", "RIFF:HorizontalScale", "RIFF:ImageHeight",
                          "RIFF:VerticalScale", "Composite:ImageSize", "Composite:Megapixels"}


def test_the_orientation_is_applied_before_the_exif_goes():
    picture = Image.new("RGB", (400, 200), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    written = io.BytesIO()
    picture.save(written, "JPEG", exif=exif)
    kept = photos.prepare(written.getvalue(), LIMITS)
    assert (kept.width, kept.height) == (200, 400)


def test_an_icc_profile_is_dropped():
    written = io.BytesIO()
    Image.new("RGB", (300, 300)).save(written, "PNG", icc_profile=b"\0" * 200)
    assert "icc_profile" in read_back(written.getvalue()).info
    assert "icc_profile" not in read_back(photos.prepare(written.getvalue(), LIMITS).data).info


@pytest.mark.parametrize("kind", ["PNG", "WEBP", "HEIF"])
def test_png_webp_and_heic_are_read_by_their_content(kind):
    written = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 30, 200)).save(written, kind)
    kept = photos.prepare(written.getvalue(), LIMITS)
    assert (kept.width, kept.height) == (640, 480)
    assert read_back(kept.data).format == "WEBP"


def _zip():
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w") as archive:
        archive.writestr("photo.jpg", jpeg_with_gps((64, 64)))
    return written.getvalue()


def _gif():
    written = io.BytesIO()
    Image.new("RGB", (10, 10)).save(written, "GIF")
    return written.getvalue()


@pytest.mark.parametrize("sent", [
    pytest.param(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", id="a PDF renamed .jpg"),
    pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', id="an SVG"),
    pytest.param(_zip(), id="a zip"),
    pytest.param(jpeg_with_gps((800, 600))[:4000], id="a truncated JPEG"),
    pytest.param(_gif(), id="a GIF: not one of the four kinds"),
    pytest.param(b"", id="nothing"),
    pytest.param(b"\xff\xd8\xff\xe0" + b"\0" * 100, id="a JPEG's first bytes alone"),
])
def test_what_is_not_a_photo_is_refused(sent):
    with pytest.raises(NotAnImage):
        photos.prepare(sent, LIMITS)


def test_a_20000_by_20000_png_is_refused_before_it_is_decoded():
    # 400 megapixels of one colour compress to a few hundred kB: a decompression bomb.
    written = io.BytesIO()
    Image.new("1", (20000, 20000)).save(written, "PNG")
    assert len(written.getvalue()) < 10 * 1024 * 1024
    with pytest.raises(TooManyPixels):
        photos.prepare(written.getvalue(), LIMITS)


def test_pillows_own_bomb_limit_is_a_refusal_too(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(TooManyPixels):
        photos.prepare(png((100, 100)), photos.Limits(10**9, 1600, 400 * 1024))


def test_a_photo_that_cannot_fit_the_size_cap_is_refused():
    with pytest.raises(PhotoTooLarge):
        photos.prepare(jpeg_with_gps((800, 600)), photos.Limits(50_000_000, 1600, most_bytes=100))


def test_heif_is_registered():
    assert "HEIF" in Image.registered_extensions().values() and pillow_heif is not None
