"""What a volunteer at the fridge sends: the ticked checklist with the thermometer, or one removed batch."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError

from pantry.care import rules
from pantry.forms import KeyedForm

MOST_DISCARDED = 100_000  # far above any batch, far below what the database can hold


class ChecklistForm(KeyedForm):
    """The checklist's items come from the deployment's CARE_CHECKLIST, key to label."""

    ticked = SelectMultipleField(_l("Checklist"), validate_choice=False)
    reading = StringField(_l("Thermometer reading"), validators=[Length(max=20)])
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Length(max=rules.NOTE_LENGTH, message=_l("Keep the note under 500 characters."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )

    def __init__(self, *args, takes_readings=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.takes_readings = takes_readings
        self.unit = current_app.config["TEMPERATURE_UNIT"]
        self.ticked.choices = list(current_app.config["CARE_CHECKLIST"].items())
        self.reading.label.text = _l("Thermometer reading (°%(unit)s, optional)", unit=self.unit)
        self.celsius = None

    def validate_ticked(self, field):
        if set(field.data or ()) - set(current_app.config["CARE_CHECKLIST"]):
            raise ValidationError(_l("That is not on this checklist. Reload the page and try again."))

    def validate_reading(self, field):
        typed = (field.data or "").strip()
        if not self.takes_readings or not typed:
            return
        try:
            self.celsius = rules.parse_reading(typed, self.unit)
        except rules.ReadingOutOfRange:
            lowest, highest = rules.TYPED_LIMITS[self.unit]
            raise ValidationError(_l(
                "That reading is outside %(lowest)s to %(highest)s °%(unit)s. Check the thermometer and try again.",
                lowest=lowest, highest=highest, unit=self.unit,
            )) from None
        except rules.BadReading as error:
            raise ValidationError(error.message) from None


class DiscardForm(KeyedForm):
    """One tap on "Removed" beside a batch past its date, or one that was in the fridge while it was warm."""

    batch = IntegerField("", validators=[InputRequired()])
    quantity = IntegerField("", validators=[InputRequired(), NumberRange(min=1, max=MOST_DISCARDED)])
    reason = StringField("", validators=[Optional(), AnyOf(("past_date", "warm"))], default="past_date")


class SendForm(KeyedForm):
    """A volunteer taking some of an item to another site in the van (pantry.stock.transfers)."""

    item = IntegerField(_l("Item"), validators=[InputRequired(message=_l("Choose an item."))])
    to_site = IntegerField(_l("To"), validators=[InputRequired(message=_l("Choose the site it goes to."))])
    quantity = IntegerField(_l("How many"), validators=[
        InputRequired(message=_l("Say how many, as a whole number.")),
        NumberRange(min=1, max=MOST_DISCARDED, message=_l("Enter a whole number from 1 to 100000.")),
    ])
    confirmed = BooleanField(_l("Yes, send it there anyway"))
