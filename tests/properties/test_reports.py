"""Reports under hostile input: the public report form with any fields (and any file), and the
photo decoder with any bytes, broken images and images with odd modes and sizes.

The form: never a 500, a 4xx wrote nothing, and a report that went in added exactly one entry
(to the open report of its kind, whose count went up by one). The decoder: either a WebP with
no metadata within the limits, or one of its three refusals; never another exception."""
import io
import uuid

from hypothesis import given, settings, strategies as st
from PIL import Image
from sqlalchemy import func, select

from pantry.reports import photos
from pantry.reports.errors import NotAnImage, PhotoTooLarge, TooManyPixels
from pantry.reports.models import KINDS, Report, ReportEntry
from tests.properties.conftest import PROPERTIES, examples, page_token, row_counts, send
from tests.properties.hostile import CHARS, csrf_tokens, form_fields, hostile_text, keys, with_token

LIMITS = photos.Limits(most_pixels=4_000_000, side=400, most_bytes=60 * 1024)
REFUSALS = (NotAnImage, TooManyPixels, PhotoTooLarge)
notes = st.one_of(st.text(CHARS, max_size=300), hostile_text,
                  st.sampled_from(["call 555 123 4567", "a@b.org", "Best before 2026-11-25", ""]))


def image_bytes(size, mode, kind):
    picture = Image.new(mode, size, "red" if mode in ("RGB", "RGBA", "P") else 128)
    written = io.BytesIO()
    picture.save(written, kind)
    return written.getvalue()


@st.composite
def images(draw):
    """A real small image of an odd mode and size, in one of the four kinds or another."""
    kind = draw(st.sampled_from(["JPEG", "PNG", "WEBP", "HEIF", "GIF", "BMP", "TIFF"]))
    mode = draw(st.sampled_from(["RGB", "L", "1", "P", "RGBA", "I;16", "CMYK"]))
    size = (draw(st.integers(1, 300)), draw(st.integers(1, 300)))
    try:
        return image_bytes(size, mode, kind)
    except (OSError, ValueError, KeyError):  # Pillow cannot write that mode in that kind
        return image_bytes(size, "RGB", kind)


@st.composite
def broken(draw, made):
    """A real image with bytes flipped, cut short, or spliced into another."""
    data = bytearray(draw(made))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    cut = draw(st.integers(1, len(data)))
    return bytes(data[:cut]) + draw(st.binary(max_size=30))


def assert_kept_or_refused(raw):
    try:
        kept = photos.prepare(raw, LIMITS)
    except REFUSALS:
        return
    picture = Image.open(io.BytesIO(kept.data))
    assert picture.format == "WEBP" and (kept.width, kept.height) == picture.size
    assert max(picture.size) <= LIMITS.side and len(kept.data) <= LIMITS.most_bytes
    assert len(picture.getexif()) == 0 and not {"exif", "xmp", "icc_profile"} & set(picture.info)


@settings(PROPERTIES, max_examples=300)
@given(raw=st.one_of(st.binary(max_size=2000), images(), broken(images())))
def test_the_decoder_keeps_a_clean_webp_or_refuses(raw):
    assert_kept_or_refused(raw)


def report_fields(world):
    return {"key": keys, "kind": st.sampled_from(list(KINDS)), "note": notes}


def counts(session):
    session.rollback()
    people = session.scalar(select(func.coalesce(func.sum(Report.people), 0)))
    return session.scalar(select(func.count()).select_from(ReportEntry)), people


@settings(PROPERTIES, max_examples=examples(120))
@given(data=st.data())
def test_the_report_form_takes_anything_and_never_fails(client, session, world, data):
    path = f"/sites/{world.slug}/report"
    token = data.draw(csrf_tokens(page_token(client, path)), label="token")
    pairs = with_token(data.draw(form_fields(report_fields(world)), label="fields"), token)
    photo = data.draw(st.one_of(st.none(), images(), broken(images()), st.binary(max_size=200)), label="photo")
    boundary = f"report-{uuid.uuid4().hex}"
    parts = [(f'name="{name}"', value.encode("utf-8", "surrogatepass")) for name, value in pairs
             if not set(name) & set('"\r\n')]
    if photo is not None:
        parts.append(('name="photo"; filename="photo.jpg"\r\nContent-Type: image/jpeg', photo))
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n".encode() + value + b"\r\n"
                    for head, value in parts) + f"--{boundary}--\r\n".encode()
    entries, people = counts(session)
    answer = send(client, session, path, body, f"multipart/form-data; boundary={boundary}")
    after_entries, after_people = counts(session)
    if answer.status_code == 303:  # a new report, or the replay of one: one entry more at most
        assert after_entries - entries == after_people - people in (0, 1)
    else:
        assert (after_entries, after_people) == (entries, people)
    assert row_counts(session)["report_photo"] <= after_entries
