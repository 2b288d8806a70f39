"""How typed words are compared: without case, accents or a plural's ending, so "platano"
finds "Plátanos" and "LECHE" finds "Leche 1 L"; and what a typed name may not be."""
import re
import unicodedata

WORD = re.compile(r"\w+")
EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
PHONE = re.compile(r"(?:\d[\s().+-]{0,2}){7,}")  # seven digits or more, however they are spaced
SHORTEST_STEM = 3  # "es" of "tomatoes" comes off, the "s" of "gas" does not


def fold(text):
    """Lower case, accents off, spaces squeezed: 'Pañales  Talla 5' -> 'panales talla 5'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def stem(word):
    """A word without its plural ending: 'platanos' -> 'platano', 'tomatoes' -> 'tomato'."""
    for ending in ("es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            return word[: -len(ending)]
    return word


def stems(text):
    return [stem(word) for word in WORD.findall(fold(text))]


def _alike(wanted, word):
    """A typed stem matches a name's stem when one begins the other ('apple' and 'appl')."""
    shorter = min(len(wanted), len(word))
    return shorter >= 1 and (word.startswith(wanted) or (shorter >= SHORTEST_STEM and wanted.startswith(word)))


def matches(query_stems, name):
    """Whether every typed stem is like some word of `name`."""
    words = stems(name)
    return bool(query_stems) and all(any(_alike(wanted, word) for word in words) for wanted in query_stems)


def looks_like_contact(text):
    """An email address or a phone number: a typed name never carries one."""
    return bool(EMAIL.search(text) or PHONE.search(text))
