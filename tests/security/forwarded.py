"""A foreign value in every X-Forwarded-* header, and where it must never show: the class test
of issue 12's first point, run against the app (test_forwarded_headers.py) and through the
README's nginx recipe (tests/servers/test_nginx.py)."""
from tests.security.addresses import first_address, public_rules

MARK = "evil.example"
FOREIGN = {
    "X-Forwarded-For": MARK,
    "X-Forwarded-Proto": "evil-example",
    "X-Forwarded-Host": MARK,
    "X-Forwarded-Prefix": f"//{MARK}",
    "X-Forwarded-Port": "31337",
    "X-Forwarded-Server": MARK,
    "X-Forwarded-Scheme": "evil-example",
    "X-Forwarded-Ssl": MARK,
    "X-Forwarded-Path": f"//{MARK}",
    "X-Forwarded-Uri": f"//{MARK}",
    "Forwarded": f"for={MARK};host={MARK};proto=evil-example",
}
SIGNS = (b"evil", b"31337")


def public_pages(app, found):
    """One real address for every public GET route."""
    return [first_address(rule, found)[0] for rule in public_rules(app) if "GET" in rule.methods]


def foreign_in(headers, body):
    """Where a sign of the foreign values shows in an answer: its headers or its body."""
    found = [f"header {name}: {value}" for name, value in headers
             if any(sign.decode() in value.lower() for sign in SIGNS)]
    found += [f"body has {sign.decode()!r}" for sign in SIGNS if sign in body.lower()]
    return found
