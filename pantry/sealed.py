"""Secrets kept at rest under a key derived from SECRET_KEY (Fernet: AES-128-CBC with an HMAC), so a
copy of the database (a backup, a dump) alone does not hold them: the two-step secrets that coordinators'
phones share. A column of type `Sealed` is plain text in Python and a Fernet token in the database.

SECRET_KEY_FALLBACKS (Flask's setting for a key being rotated out) still opens what an old key sealed.
A value no key opens reads as UNREADABLE: two-step sign-in stays on for its coordinator, no phone code
matches it, and one of their recovery codes (kept as hashes, not sealed) lets them in to set it up again."""
import base64
import logging
from functools import lru_cache

from flask import current_app
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

PURPOSE = b"pantry: two-step secrets at rest"
UNREADABLE = "unreadable"  # what a value sealed under a key no longer known reads as
PREFIX = "gAAAAA"  # how every Fernet token begins (version byte 0x80, then the time)
logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _fernet(secret_key):
    # cryptography loads with the first sealed value, not with every worker (tests/test_first_use.py)
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(key)
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys(config):
    from cryptography.fernet import MultiFernet

    return MultiFernet([_fernet(key) for key in [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]])


def seal(config, text):
    return _keys(config).encrypt(text.encode()).decode()


def unseal(config, token):
    """The text `token` holds, or UNREADABLE when no key of `config` opens it."""
    from cryptography.fernet import InvalidToken

    try:
        return _keys(config).decrypt(token.encode()).decode()
    except InvalidToken:
        logger.error("A sealed secret does not open with SECRET_KEY or SECRET_KEY_FALLBACKS: was SECRET_KEY "
                     "changed? Put the old one in SECRET_KEY_FALLBACKS.")
        return UNREADABLE


class Sealed(TypeDecorator):
    """A string sealed on its way to the database and opened on its way back, with the app's keys."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else seal(current_app.config, value)

    def process_result_value(self, value, dialect):
        return None if value is None else unseal(current_app.config, value)
