"""The first run without the demo: while no coordinator exists, a one-time setup page names the network,
chooses its time zone and language, and makes the first coordinator. Its link holds a token derived from
SECRET_KEY (nothing to store, the same in every worker), printed in the server's log and by
`flask pantry setup-link`; it stops working as soon as a coordinator exists."""
import hashlib
import hmac
import zoneinfo
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from pantry import journal
from pantry.coordinators import invitations
from pantry.coordinators.models import Coordinator
from pantry.network import Network
from pantry.refusals import Refusal
from pantry.text import has_control_characters

NAME_MAX = 120
PURPOSE = b"pantry first-run setup"


class SetupError(Refusal):
    code = "setup"
    status = 422
    message = _l("That could not be done.")


class SetUpAlready(SetupError):
    code = "set_up_already"
    status = 410
    message = _l("This network is set up already, so its setup link no longer works. Sign in instead.")


class WrongSetupLink(SetupError):
    code = "wrong_setup_link"
    status = 404
    message = _l("This setup link is not right. Copy the whole link from the server's log, or run "
                 "“flask pantry setup-link”.")


class BadNetworkName(SetupError):
    code = "bad_network_name"
    field = "network"
    message = _l("Name the network in up to 120 characters.")


class BadZone(SetupError):
    code = "bad_zone"
    field = "timezone"
    message = _l("Choose a time zone from the list, such as America/New_York.")


class BadLanguage(SetupError):
    code = "bad_language"
    field = "language"
    message = _l("Choose one of the languages offered.")


def token(secret_key):
    """The setup link's token: only whoever holds SECRET_KEY (the server's owner) can make it."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, PURPOSE, hashlib.sha256).hexdigest()[:40]


def link(base_url, secret_key):
    return f"{base_url.rstrip('/')}/admin/setup/{token(secret_key)}"


def needed(session):
    """Whether the network still waits for its first coordinator."""
    return not session.scalar(select(exists().where(Coordinator.id.is_not(None))))


def check_link(session, secret_key, given):
    """Refuse a setup link once a coordinator exists (SetUpAlready), or a wrong token (WrongSetupLink)."""
    if not needed(session):
        raise SetUpAlready()
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), token(secret_key).encode()):
        raise WrongSetupLink()


@cache
def zones():
    return sorted(zoneinfo.available_timezones())


def set_up(session, secret_key, given, choice, languages, now):
    """Name the network and make its first coordinator, who can sign in at once; returns them. `choice`
    holds network, timezone, language, name, email, password. Only flushes; run it with commit_write, so
    two setups at once make one: on SQLite the second waits for the write lock and finds the first
    coordinator; on PostgreSQL, where both may find none, the network's one row (id 1) turns the
    second's commit down, and its rerun is refused (tests/coordinators/test_races.py)."""
    check_link(session, secret_key, given)
    name = " ".join((choice["network"] or "").split())
    if not name or len(name) > NAME_MAX or has_control_characters(name):
        raise BadNetworkName()
    if choice["timezone"] not in zones():
        raise BadZone()
    if choice["language"] not in languages:
        raise BadLanguage()
    session.add(Network(id=1, name=name, timezone=choice["timezone"], language=choice["language"], set_up_at=now))
    coordinator = invitations.add_with_password(session, choice["email"], choice["name"], choice["password"], now)
    coordinator.language = choice["language"]
    journal.record(session, coordinator, "network.set_up", name, {},
                   {"timezone": choice["timezone"], "language": choice["language"]}, now)
    return coordinator


def network(session):
    """What setup chose, or None (a network set up by the demo or the command line)."""
    return session.get(Network, 1)
