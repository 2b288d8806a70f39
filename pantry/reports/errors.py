"""What the report rules refuse, in words for the person at the fridge (or the coordinator)."""
from flask_babel import lazy_gettext as _l

from pantry.refusals import Refusal


class ReportRefused(Refusal):
    status = 422
    field = None  # the form field the message belongs beside


class UnknownKind(ReportRefused):
    code = "unknown_kind"
    field = "kind"
    message = _l("Choose what is wrong from the list.")


class NoteTooLong(ReportRefused):
    code = "note_too_long"
    field = "note"
    message = _l("Keep the note to 280 characters or fewer.")


class NoteHasContact(ReportRefused):
    code = "note_has_contact"
    field = "note"
    message = _l(
        "Please leave out phone numbers and email addresses: reports are about the fridge, "
        "never about people. Nothing was sent."
    )


class ReportConflict(ReportRefused):
    code = "idempotency_conflict"
    message = _l("This report was already sent with different details. Reload the page and try again.")


class NotAnImage(ReportRefused):
    code = "not_an_image"
    field = "photo"
    message = _l("That file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC photo, or none.")


class TooManyPixels(ReportRefused):
    code = "photo_too_many_pixels"
    field = "photo"
    message = _l("That image is far larger than a phone photo. Send a smaller one, or none.")


class PhotoTooLarge(ReportRefused):
    code = "photo_too_large"
    field = "photo"
    message = _l("That photo is still too large after shrinking it. Send a simpler one, or none.")


class UnknownReport(Refusal):
    code = "unknown_report"
    status = 404
    message = _l("There is no such report.")


class AlreadyClosed(Refusal):
    code = "already_closed"
    status = 409
    message = _l("This report was closed already.")


class ReasonTooLong(ReportRefused):
    code = "reason_too_long"
    field = "reason"
    message = _l("Keep the reason to 200 characters or fewer.")
