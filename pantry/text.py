"""What typed or sent text may hold, for every area alike: no invisible control characters,
and an idempotency key's one shape."""
import re
import unicodedata

KEY_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"  # a form's Regexp and the API's schema use it as written
KEY_RE = re.compile(KEY_PATTERN[1:-1])  # for fullmatch: "$" would let a trailing newline through


def has_control_characters(text, allowed="\t\n\r"):
    """True when `text` holds invisible control characters (a NUL byte, an escape...) other than
    `allowed`: no person types them, and PostgreSQL refuses NUL in text."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def is_key(value):
    """Whether `value` is an idempotency key: 8 to 64 letters, digits, - or _."""
    return isinstance(value, str) and KEY_RE.fullmatch(value) is not None
