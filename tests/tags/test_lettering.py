"""Labels print Spanish as written: the font carries every letter and sign it needs."""
import pytest
from PIL import Image, ImageDraw

from pantry.tags import lettering

FACE = lettering.font(40)


def ink(text):
    image = Image.new("1", (240, 100), 1)
    lettering.write(image, (20, 70), text, FACE)
    return image.tobytes()


@pytest.mark.parametrize("accented, plain", [
    ("á", "a"), ("é", "e"), ("í", "i"), ("ó", "o"), ("ú", "u"), ("ü", "u"), ("ñ", "n"),
    ("Á", "A"), ("Ñ", "N"), ("¿", "?"), ("¡", "!"),
])
def test_spanish_letters_have_glyphs_of_their_own(accented, plain):
    missing = ink("\U000f0000")  # a private-use character no font draws: the empty box
    assert ink(accented) not in (ink(plain), missing, ink(" "))


def test_a_line_too_long_ends_in_an_ellipsis():
    lines = lettering.wrap("Nevera comunitaria de la Calle Ñandú esquina Avenida", FACE, 300, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(lettering.measure(line, FACE) <= 300 for line in lines)


@pytest.mark.parametrize("text, face", [
    ("Fulton Street Corner Fridge", lettering.font(36)),
    ("Plátanos: registre lo que toma o añade…", lettering.font(28, "regular")),
    ("K7Q2M9XH", lettering.font(76)),
    ("¿Qué hay?", FACE),
])
def test_words_set_once_and_pasted_print_as_pillow_draws_them(text, face):
    drawn, printed = (Image.new("1", (900, 160), 1) for _ in range(2))
    ImageDraw.Draw(drawn).text((17, 110), text, font=face, fill=0, anchor="ls")
    for _ in range(2):  # the second time from what was set the first
        lettering.write(printed, (17, 110), text, face)
    assert printed.tobytes() == drawn.tobytes()
