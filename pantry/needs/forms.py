"""What a neighbour sends: an ask, a promise, a change to a promise. Fields only turn text
into types; the rules (pantry.needs.asks, pantry.needs.promises) own the limits."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import InputRequired, Optional

from pantry.forms import FlaskForm, KeyedForm

WHOLE = _l("Say how many, as a whole number.")


class AskForm(KeyedForm):
    item = IntegerField(_l("Something on the list"), validators=[Optional()])
    name = StringField(_l("Or type what you need"), validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.item.data is None and not (self.name.data or "").strip():
            self.name.errors.append(_l("Choose an item, or type what you need."))
            return False
        return valid


class PromiseForm(KeyedForm):
    item = IntegerField(_l("Item"), validators=[InputRequired(message=_l("Choose an item."))])
    quantity = IntegerField(_l("How many"), validators=[InputRequired(message=WHOLE)])
    day = DateField(_l("Which day"), validators=[InputRequired(message=_l("Choose a day."))])
    email = StringField(_l("Email (optional)"), validators=[Optional()])


class ChangeForm(FlaskForm):
    quantity = IntegerField(_l("How many"), validators=[InputRequired(message=WHOLE)])
    day = DateField(_l("Which day"), validators=[InputRequired(message=_l("Choose a day."))])


class CancelForm(FlaskForm):
    pass
