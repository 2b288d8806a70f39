"""Issuing, finding, revoking and replacing tags."""
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from pantry.refusals import Refusal
from pantry.tags.models import CODE_ALPHABET, CODE_LENGTH, Tag, new_code, normalise_code


class TagError(Refusal):
    """A label that cannot be used: not the ledger's to refuse (an `except LedgerError` lets it by)."""

    code = "tag_error"
    status = 404


class UnknownTag(TagError):
    code = "unknown_tag"
    status = 404
    message = _l("We don't know this code. Check the letters under the QR code and try again.")


class RevokedTag(TagError):
    code = "revoked_tag"
    status = 410
    message = _l("This label is no longer in use. There may be a newer label on the fridge.")


def find_tag(session, typed):
    code = normalise_code(typed)
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        raise UnknownTag()
    tag = session.scalar(_tag_of_code(), {"code": code})
    if tag is None:
        raise UnknownTag()
    if tag.revoked:
        raise RevokedTag()
    return tag


@cache
def _tag_of_code():
    """The tag of :code, made once: every scan and every tap at a label asks it."""
    return select(Tag).where(Tag.code == bindparam("code"))


def issue_tag(session, site, purpose, now, item=None):
    code = new_code()
    while session.scalar(select(Tag.id).where(Tag.code == code)) is not None:
        code = new_code()
    tag = Tag(code=code, site=site, item=item, purpose=purpose, created_at=now)
    session.add(tag)
    session.flush()
    return tag


def revoke_tag(session, tag, now):
    if tag.revoked_at is None:
        tag.revoked_at = now
        session.flush()
    return tag


def replace_tag(session, tag, now):
    """Revoke a lost or damaged label and issue a new code for the same purpose."""
    revoke_tag(session, tag, now)
    return issue_tag(session, tag.site, tag.purpose, now, item=tag.item)


def live_tags(session, site):
    query = (
        select(Tag)
        .where(Tag.site_id == site.id, Tag.revoked_at.is_(None))
        .order_by(Tag.purpose != "site", Tag.purpose != "care", Tag.id)
    )
    return session.scalars(query).all()
