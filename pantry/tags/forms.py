"""What a person at the fridge sends: a take or a restock, an undo, a typed code. The forms
only turn text into types; the ledger's rule (pantry.stock.entries) says what may be logged."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from pantry.forms import FlaskForm, KeyedForm


class LogForm(FlaskForm):
    class Meta:
        json_object_only = True  # the offline outbox sends one JSON object; anything else is BadJson

    key = HiddenField("")  # its shape is the ledger's to check, like the cap and the label's item
    item = IntegerField(_l("Item"), validators=[InputRequired(message=_l("Choose an item."))])
    kind = SelectField(
        "",
        choices=[SelectChoice("take", _l("I took")), SelectChoice("restock", _l("I added"))],
        validators=[InputRequired()],
    )
    quantity = IntegerField(
        _l("How many"),
        validators=[InputRequired(message=_l("Say how many, as a whole number."))],
    )
    best_before = DateField(_l("Best before (optional)"), validators=[Optional()])


class UndoForm(KeyedForm):
    movement = IntegerField("", validators=[InputRequired()])


class CodeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only looks a code up

    code = StringField(
        _l("Code printed under the QR code"),
        validators=[DataRequired(message=_l("Type the code.")), Length(max=20)],
    )
