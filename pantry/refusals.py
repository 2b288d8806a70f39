"""The base of every typed error a rule raises: a stable code, an HTTP status, a message for people."""
from flask_babel import lazy_gettext as _l


class Refusal(Exception):
    code = "refused"
    status = 400
    message = _l("That could not be done.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(self.code)

    def __str__(self):
        return str(self.message)
