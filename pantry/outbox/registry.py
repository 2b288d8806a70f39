"""What the floors above teach the outbox: how a recipient is reached, how a letter is written,
who the coordinators are, and which periodic jobs the worker runs. The outbox is ground: it
knows none of them by import, only by what they register here when the app is made."""
from dataclasses import dataclass


@dataclass
class Addressee:
    email: str
    language: str
    name: str = ""


ADDRESSEES = {}  # recipient sort ("coordinator", "sign-up", "follower") -> fn(session, id) -> Addressee | None
LETTERS = {}  # letter name -> fn(message, addressee, context) -> Letter
AUDIENCES = {}  # audience name -> fn(session) -> list of recipients ("coordinator:3", ...)
JOBS = {}  # job name -> (every, fn(app, now) -> str)
HEADLINES = {}  # kind of news -> fn(site name, payload) -> one line, in the current language


@dataclass
class Letter:
    subject: str
    body: str
    attachments: tuple = ()
    unsubscribe: str | None = None  # RFC 8058: the one-click POST address


def _registering(table):
    """A decorator maker: `@made(name)` puts the function it decorates into `table` under `name`."""
    def made(name):
        def register(function):
            table[name] = function
            return function
        return register
    return made


addressee = _registering(ADDRESSEES)  # @addressee("sign-up")
letter = _registering(LETTERS)
audience = _registering(AUDIENCES)
headline = _registering(HEADLINES)


def job(name, every):
    def register(run):
        JOBS[name] = (every, run)
        return run
    return register


def find_addressee(session, recipient):
    sort, _, ident = recipient.partition(":")
    find = ADDRESSEES.get(sort)
    if find is None or not ident.isdigit():
        raise LookupError(f"no one is reached as {recipient!r}")
    return find(session, int(ident))
