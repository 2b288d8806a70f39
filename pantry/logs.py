"""Private links never reach a log: a volunteer's manage link and a coordinator's one-time link
carry their secret in the path (/sign-ups/<token>, /admin/welcome/<token>), and Flask logs the
path of a request that failed, Werkzeug's and gunicorn's access logs every path. A filter on
each of those loggers writes the token as [token]."""
import logging
import re

PRIVATE_PATH = re.compile(r"(/sign-ups/|/admin/welcome/)[^/?#\s\"']+")
LOGGERS = ("pantry", "werkzeug", "gunicorn.access", "gunicorn.error", "flask.app")


def without_tokens(text):
    return PRIVATE_PATH.sub(r"\1[token]", text)


class HidePrivateLinks(logging.Filter):
    """Rewrites a record's message and its arguments; never drops a record."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = without_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(without_tokens(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):  # gunicorn's access log formats from a mapping
            record.args = {name: without_tokens(value) if isinstance(value, str) else value
                           for name, value in record.args.items()}
        return True


FILTER = HidePrivateLinks()


def register(app):
    """On the app's logger, every pantry.* logger made so far, and the servers' loggers.
    A filter on a logger does not see what its children log, so each one gets it."""
    names = set(LOGGERS) | {app.logger.name}
    names |= {name for name in logging.root.manager.loggerDict if name.startswith("pantry.")}
    for name in names:
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)
