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


def addressee(sort):
    def register(find):
        ADDRESSEES[sort] = find
        return find
    return register


def letter(name):
    def register(write):
        LETTERS[name] = write
        return write
    return register


def audience(name):
    def register(find):
        AUDIENCES[name] = find
        return find
    return register


def headline(kind):
    def register(say):
        HEADLINES[kind] = say
        return say
    return register


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
