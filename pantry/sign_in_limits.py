"""Guessing a coordinator's password is bounded, and guessing never keeps the coordinator out.

Only failed sign-ins count against an email (LIMIT_SIGN_IN_EMAIL), from wherever they come,
whatever the body (form or JSON: the email is read from the parsed form). Once they are spent,
only addresses that have not failed at that email in the window may try it: the coordinator at
their own phone still signs in, and each address guessing gets one wrong try per window before
its answer is 429. The price, written in the README: an attacker with many addresses gets one
guess per address per window on top of the limit, each of them also bounded by LIMIT_SIGN_IN."""
import time

from flask import current_app, g
from limits import parse_many

from pantry.security import client_network, limiter

EMAIL = "sign-in-email"  # failures at an email, from anywhere
HERE = "sign-in-failed-here"  # failures at an email from one address (an IPv6 /64)


def may_try(email):
    """Whether this request may check a password for `email`. Sets g.retry_after when not."""
    if not current_app.config["RATE_LIMITS"]:
        return True
    email = _email(email)
    try:
        if not _failed_here(email):
            return True
        breached = [item for item in _limits() if not limiter.limiter.test(item, *_who(EMAIL, email))]
    except Exception:  # the limiter's storage failing serves the request, as every other limit does
        current_app.logger.exception("sign-in limits unavailable")
        return True
    if breached:
        g.retry_after = max(_seconds_left(item, email) for item in breached)
        return False
    return True


def count_failure(email):
    if not current_app.config["RATE_LIMITS"]:
        return
    email = _email(email)
    try:
        for item in _limits():
            limiter.limiter.hit(item, *_who(EMAIL, email))
            limiter.limiter.hit(item, *_who(HERE, email, client_network()))
    except Exception:
        current_app.logger.exception("sign-in limits unavailable")


def _failed_here(email):
    here = _who(HERE, email, client_network())
    return any(limiter.limiter.get_window_stats(item, *here).remaining < item.amount for item in _limits())


def _seconds_left(item, email):
    reset = limiter.limiter.get_window_stats(item, *_who(EMAIL, email)).reset_time
    return min(item.get_expiry(), max(1, int(reset - time.time()) + 1))


def _limits():
    return parse_many(current_app.config["LIMIT_SIGN_IN_EMAIL"])


def _who(scope, *parts):
    return (current_app.config["RATELIMIT_KEY_PREFIX"], scope, *parts)


def _email(email):
    return (email or "").strip().lower()[:254]
