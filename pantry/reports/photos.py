"""A photo from a phone, made safe to keep: read by its content (JPEG, PNG, WebP or HEIC, never
by its name or type header), refused when it is a decompression bomb or far beyond a phone's
pixels, turned upright, shrunk to at most `side` pixels on its long side, and written anew as
WebP with no metadata at all (no EXIF, GPS, XMP or ICC profile): only the pixels survive."""
import io
import warnings
from dataclasses import dataclass
from functools import cache

from pantry.reports.errors import NotAnImage, PhotoTooLarge, TooManyPixels

FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
QUALITIES = (80, 65, 50)  # tried in turn until the photo fits the size cap,
SCALES = (1, 0.75, 0.5)  # first at the full side, then smaller
MEDIA_TYPE = "image/webp"


@dataclass(frozen=True)
class Photo:
    media_type: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class Limits:
    most_pixels: int  # width x height of what was sent
    side: int  # the long side of what is kept
    most_bytes: int  # what is kept, after re-encoding


@cache
def _pillow():
    """Pillow, with HEIC from pillow-heif, loaded with the first photo: some 12 MB that a worker
    which never sees a photo does not hold."""
    import pillow_heif
    from PIL import Image, ImageOps

    pillow_heif.register_heif_opener()
    return Image, ImageOps


def prepare(raw, limits):
    """The photo to keep, from the bytes that were sent. Raises NotAnImage, TooManyPixels or PhotoTooLarge."""
    Image, _ = _pillow()
    picture = _decoded(raw, limits)
    for scale in SCALES:
        side = max(1, int(limits.side * scale))
        picture.thumbnail((side, side), Image.Resampling.LANCZOS)
        for quality in QUALITIES:
            written = io.BytesIO()
            picture.save(written, "WEBP", quality=quality, method=4)  # no exif=, icc_profile=, xmp=: none kept
            if written.tell() <= limits.most_bytes:
                return Photo(MEDIA_TYPE, picture.width, picture.height, written.getvalue())
    raise PhotoTooLarge()


def _decoded(raw, limits):
    """The pixels, upright, in RGB; every way a file can fail to be a photo is NotAnImage."""
    Image, ImageOps = _pillow()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            opened = Image.open(io.BytesIO(raw), formats=FORMATS)
            if opened.width * opened.height > limits.most_pixels:
                raise TooManyPixels()
            opened.draft("RGB", (limits.side, limits.side))  # a JPEG decodes at a smaller scale, faster
            upright = ImageOps.exif_transpose(opened)
            upright.load()
            rgb = upright.convert("RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise TooManyPixels() from None
        except TooManyPixels:
            raise
        except (OSError, ValueError, SyntaxError, EOFError, TypeError, IndexError, KeyError,
                ZeroDivisionError, RuntimeError, MemoryError):  # Pillow's ways of failing on a bad file
            raise NotAnImage() from None
    # A new image from the pixels alone: nothing of the file's metadata (info, EXIF, ICC) comes along.
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())
