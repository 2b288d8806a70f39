"""What can go wrong with patterns, shifts and sign-ups."""
from flask_babel import lazy_gettext as _l

from pantry.refusals import Refusal


class ShiftError(Refusal):
    code = "shift_error"
    status = 422
    message = _l("That shift could not be saved.")


class BadPattern(ShiftError):
    code = "bad_pattern"


class ShiftInThePast(ShiftError):
    code = "shift_in_the_past"
    message = _l("That shift has already started.")


class UnknownShift(ShiftError):
    code = "unknown_shift"
    status = 404
    message = _l("There is no such shift.")


class ShiftCancelled(ShiftError):
    code = "shift_cancelled"
    status = 409
    message = _l("This shift was cancelled.")


class ShiftFull(ShiftError):
    code = "shift_full"
    status = 409
    message = _l("Sorry, this shift is full. Another shift may still need people.")


class SignUpsClosed(ShiftError):
    code = "sign_ups_closed"
    status = 409
    message = _l("Sign-ups for this shift have closed.")


class UnknownSignUp(ShiftError):
    code = "unknown_sign_up"
    status = 404
    message = _l("This link is not valid. Check that you copied all of it.")


class ShiftOver(ShiftError):
    code = "shift_over"
    status = 410
    message = _l("This shift is over, so the link no longer does anything.")


class TooLateToCancel(ShiftError):
    code = "too_late_to_cancel"
    status = 409
    message = _l("It is too late to cancel online. Please tell a coordinator.")
