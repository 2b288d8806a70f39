"""The outbox: every message Pantry sends (mail, push, webhook) is a row written in the same
transaction as the event that causes it, and delivered by `flask pantry worker`. No request
ever waits on another service.

What the other areas call (all in the caller's transaction; they only flush):

- `announce(session, site, kind, payload, now, key=..., coordinators=False)`: news for the
  site's followers, phones and webhooks (kinds in `KINDS`), and the coordinators if asked;
- `post(session, recipient, event, letter, now, payload=...)`: one message to one recipient
  ("coordinator:3", "sign-up:12"), written by the letter registered under that name;
- `letter(name)`, `addressee(sort)`, `audience(name)`, `job(name, every)`, `headline(kind)`: decorators with
  which the floors above teach the outbox how to write, whom to reach and what to run."""
from pantry.outbox.news import KINDS, announce
from pantry.outbox.queue import post
from pantry.outbox.registry import Addressee, Letter, addressee, audience, headline, job, letter

__all__ = ["KINDS", "Addressee", "Letter", "addressee", "announce", "audience", "headline", "job", "letter", "post"]
