"""What asks, promises and the search refuse, each with a stable code and an HTTP status."""
from flask_babel import lazy_gettext as _l

from pantry.refusals import Refusal


class NeedsError(Refusal):
    code = "needs_error"
    status = 422
    message = _l("That could not be saved. Nothing was changed.")


class BadKey(NeedsError):
    code = "bad_key"
    field = "key"
    message = _l("Reload the page and try again.")


class BadName(NeedsError):
    code = "bad_name"
    field = "name"
    message = _l("Type a short name of what you need, at most 60 letters.")


class ContactInName(NeedsError):
    code = "contact_in_name"
    field = "name"
    message = _l("Type only what you need: no email address or phone number.")


class BadQuantity(NeedsError):
    code = "bad_quantity"
    field = "quantity"


class BadDay(NeedsError):
    code = "bad_day"
    field = "day"
    message = _l("Choose a day from today to 7 days ahead.")


class BadEmail(NeedsError):
    code = "bad_email"
    field = "email"
    message = _l("That does not look like an email address. Leave it empty if you like.")


class KeyReused(NeedsError):
    code = "idempotency_conflict"
    message = _l("This was already sent with different details. Reload the page and try again.")


class UnknownPromise(NeedsError):
    code = "unknown_promise"
    status = 404
    message = _l("This link does not lead to a promise. Check the link, or make a new promise.")


class PromiseClosed(NeedsError):
    code = "promise_closed"
    status = 409
    message = _l("This promise is cancelled, kept or its day is over, so it cannot be changed.")


class UnknownSuggestion(NeedsError):
    code = "unknown_suggestion"
    status = 404
    message = _l("There is no such suggestion.")


class BadSearch(NeedsError):
    code = "bad_search"
    status = 400
    field = "q"


class BadLocation(NeedsError):
    code = "bad_location"
    status = 400
    field = "lat"
    message = _l("The location was not understood: latitude -90 to 90, longitude -180 to 180.")
