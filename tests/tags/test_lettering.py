"""Labels print Spanish as written, though Pillow's built-in font has no accented letters."""
import pytest
from PIL import Image, ImageDraw

from pantry.tags import lettering

FACE = lettering.font(40)
BASELINE = 70


def drawn(text):
    image = Image.new("1", (200, 100), 1)
    lettering.write(ImageDraw.Draw(image), (20, BASELINE), text, FACE)
    return image


def ink(image):
    pixels = image.convert("L").tobytes()
    return {(at % image.width, at // image.width) for at, value in enumerate(pixels) if not value}


@pytest.mark.parametrize("letter, plain", [
    ("á", "a"), ("é", "e"), ("ó", "o"), ("ú", "u"), ("ü", "u"), ("ñ", "n"),
    ("Á", "A"), ("É", "E"), ("Í", "I"), ("Ó", "O"), ("Ú", "U"), ("Ü", "U"), ("Ñ", "N"),
])
def test_an_accented_letter_is_its_letter_with_a_mark_above(letter, plain):
    accented, bare = ink(drawn(letter)), ink(drawn(plain))
    assert bare < accented
    assert max(y for _, y in accented - bare) < min(y for _, y in bare)


def test_an_accented_i_trades_its_dot_for_the_mark():
    x_height = BASELINE - lettering.x_height(FACE)
    accented, bare = ink(drawn("í")), ink(drawn("i"))
    assert {p for p in accented if p[1] >= x_height} == {p for p in bare if p[1] >= x_height}
    assert {p for p in accented if p[1] < x_height} != {p for p in bare if p[1] < x_height}


def test_nothing_spanish_prints_as_the_empty_box():
    empty_box = ink(drawn("\ufffe"))
    for sign in "áéíóúüñÁÉÍÓÚÜÑ¿¡":
        assert ink(drawn(sign)) not in (set(), empty_box), sign


def test_opening_signs_are_turned_and_hang_below_the_line():
    for opening, closing in [("¿", "?"), ("¡", "!")]:
        assert max(y for _, y in ink(drawn(closing))) < BASELINE
        assert max(y for _, y in ink(drawn(opening))) > BASELINE


def test_a_line_too_long_ends_in_an_ellipsis():
    lines = lettering.wrap("Nevera comunitaria de la Calle Ñandú esquina Avenida", FACE, 300, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(lettering.measure(line, FACE) <= 300 for line in lines)
