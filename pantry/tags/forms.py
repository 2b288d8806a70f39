"""What a person at the fridge sends: a take or a restock, an undo, a typed code."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from pantry.forms import FlaskForm

KEY_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class KeyedForm(FlaskForm):
    """Every write carries an idempotency key, made when the form was shown."""

    key = HiddenField("", validators=[InputRequired(), Regexp(KEY_PATTERN, message=_l("Reload the page and try again."))])


class LogForm(KeyedForm):
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

    def validate_quantity(self, field):
        cap = current_app.config["MAX_LOG_QUANTITY"]
        if field.data is None:  # not a whole number: the field has said so already
            return
        if not 1 <= field.data <= cap:
            raise ValidationError(_l("Enter a number from 1 to %(cap)d.", cap=cap))

    def validate_best_before(self, field):
        if field.data is not None and self.kind.data != "restock":
            raise ValidationError(_l("Only food you added has a best-before date here."))


class UndoForm(KeyedForm):
    movement = IntegerField("", validators=[InputRequired()])


class CodeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only looks a code up

    code = StringField(
        _l("Code printed under the QR code"),
        validators=[DataRequired(message=_l("Type the code.")), Length(max=20)],
    )
