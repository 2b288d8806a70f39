"""What a neighbour sends about a site: what is wrong, a short note, perhaps a photo; and a
coordinator's close. The forms turn text into types; the rules own the limits."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired

from pantry.forms import KeyedForm
from pantry.reports.models import KINDS


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class ReportForm(KeyedForm):
    kind = RadioField(
        _l("What is wrong?"), choices=[SelectChoice(kind, label) for kind, label in KINDS.items()], validate_choice=False,
        validators=[InputRequired(message=_l("Choose what is wrong from the list."))],
    )
    note = TextAreaField(_l("A short note (optional)"), filters=[_stripped])
    photo = FileField(_l("A photo (optional)"))


class CloseForm(KeyedForm):
    reason = StringField(_l("Why (optional)"), filters=[_stripped])
