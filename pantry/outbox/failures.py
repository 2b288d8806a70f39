"""How a delivery fails for good, whatever its channel: the worker dead-letters the message,
or drops a recipient who is gone."""


class Undeliverable(Exception):
    """This message will never go: it is dead-lettered with the reason."""


class Gone(Exception):
    """The recipient is gone for good (a push service's 404 or 410): drop them."""
