"""A searcher's location never reaches a log: the access logs (gunicorn's, and Werkzeug's in
development) have `lat` and `lon` blanked from every address they write."""
import logging
import re

LOCATION = re.compile(r"([?&](?:lat|lon)=)[^&\s\"]*")
ACCESS_LOGGERS = ("gunicorn.access", "werkzeug")


class DropLocation(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        if "lat=" in message or "lon=" in message:
            record.msg, record.args = LOCATION.sub(r"\1-", message), ()
        return True


def install():
    """Add the filter to the access loggers, once however many apps are made."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(one, DropLocation) for one in logger.filters):
            logger.addFilter(DropLocation())
