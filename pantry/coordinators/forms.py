"""What a coordinator sends: sign-in, passwords, invitations, sites, items, targets, tags, filters,
corrections, counts, shift patterns and shifts. The limits mirror the rules', so most mistakes
are caught here first."""
from flask_babel import lazy_gettext as _l, lazy_pgettext
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from pantry.coordinators import invitations
from pantry.forms import FlaskForm, KeyedForm
from pantry.shifts.models import SHIFT_KINDS, WEEKDAYS
from pantry.sites import rules as site_rules
from pantry.sites.models import SITE_KINDS, SITE_STATES
from pantry.sites.rules import UNUSUAL_CHARACTERS
from pantry.stock import items as item_rules
from pantry.stock.models import CATEGORIES, KINDS, MOVEMENT_LABELS
from pantry.text import has_control_characters

COUNT_MAX = 9999
PLACES_MAX = 50
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]  # what browsers send from <input type="time">
FIRST_YEAR, LAST_YEAR = 2000, 2999


def plain_text(form, field):
    """No invisible control characters (a NUL byte, an escape...): nobody types them."""
    if field.data and has_control_characters(field.data, allowed="\t\n\r" if field.type == "TextAreaField" else ""):
        raise ValidationError(UNUSUAL_CHARACTERS)


def _choices(labels):
    return [SelectChoice(value, label) for value, label in labels.items()]


def optional_id(value):
    """A select's value as an id, or None for the empty "any" choice."""
    if value in (None, ""):
        return None
    return int(value)


class ButtonForm(FlaskForm):
    """A one-button POST (sign out, revoke, replace): only the CSRF token."""


class SignInForm(FlaskForm):
    email = StringField(
        _l("Email"),
        validators=[DataRequired(message=_l("Enter your email.")), Length(max=invitations.EMAIL_MAX), plain_text],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))])
    next = HiddenField("")


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(min=invitations.PASSWORD_MIN, max=invitations.PASSWORD_MAX,
                   message=_l("Use %(min)d to %(max)d characters.")),
        ],
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
    )


class InviteForm(FlaskForm):
    email = StringField(
        _l("Their email"),
        validators=[DataRequired(message=_l("Enter their email.")), Length(max=invitations.EMAIL_MAX), plain_text],
    )
    name = StringField(_l("Their name (optional)"), validators=[Length(max=invitations.NAME_MAX), plain_text])


class SiteForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Give the site a name.")), Length(max=site_rules.NAME_MAX), plain_text],
    )
    address = StringField(_l("Address"), validators=[Length(max=site_rules.ADDRESS_MAX), plain_text])
    kind = SelectField(_l("Kind"), choices=_choices(SITE_KINDS), validators=[InputRequired()])
    state = SelectField(_l("State"), choices=_choices(SITE_STATES), validators=[InputRequired()])
    hours = StringField(_l("Opening hours"), validators=[Length(max=site_rules.HOURS_MAX), plain_text])
    notes = TextAreaField(_l("Notes for coordinators"), validators=[Length(max=site_rules.NOTES_MAX), plain_text])


class ItemForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Give the item a name.")), Length(max=item_rules.NAME_MAX), plain_text],
    )
    category = SelectField(_l("Category"), choices=_choices(CATEGORIES), validators=[InputRequired()])
    unit = StringField(_l("Unit (optional)"), validators=[Length(max=item_rules.UNIT_MAX), plain_text])
    keep_cold = BooleanField(_l("Keep cold (dairy, meals, frozen food)"))
    typical_grams = IntegerField(_l("Typical weight in grams (optional)"), validators=[Optional()])


def targets_form(items, targets):
    """A form with one number field per item, named item_<id>, showing `targets` ({item_id: target}).
    An empty field means no target."""
    fields = {
        f"item_{item.id}": IntegerField(
            item.name,
            validators=[Optional(), NumberRange(min=0, max=item_rules.TARGET_MAX,
                                                message=_l("Enter a whole number from 0 to 9999."))],
        )
        for item in items
    }
    form_class = type("TargetsForm", (FlaskForm,), fields)
    return form_class(data={f"item_{item_id}": target for item_id, target in targets.items()})


class TagForm(FlaskForm):
    purpose = RadioField(
        _l("What the label opens"),
        choices=[
            SelectChoice("site", _l("This site: every item")),
            SelectChoice("item", _l("One item")),
            SelectChoice("care", _l("The cleaning checklist, for volunteers")),
        ],
        default="site",
        validators=[InputRequired(message=_l("Choose what the label opens."))],
    )
    item = SelectField(_l("Item (for a one-item label)"), coerce=optional_id)

    def validate_item(self, field):
        if self.purpose.data == "item" and field.data is None:
            raise ValidationError(_l("Choose the item this label is for."))


class LedgerFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only narrows what is shown

    item = SelectField(_l("Item"), coerce=optional_id)
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice("", _l("All kinds"))] + [SelectChoice(kind, MOVEMENT_LABELS[kind]) for kind in KINDS],
        default="",
    )
    # "From" a date; the ledger's "From" column (where an entry came from) is another word in some languages.
    date_from = DateField(lazy_pgettext("starting date", "From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_from(self, field):
        _check_year(field.data)

    def validate_date_to(self, field):
        _check_year(field.data)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


def _check_year(day):
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(_l("Choose a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))


class CorrectionForm(KeyedForm):
    note = StringField(_l("Why (optional)"), validators=[Length(max=200), plain_text])


class CountForm(KeyedForm):
    item = IntegerField("", validators=[InputRequired()])
    counted = IntegerField(
        _l("How many are there now?"),
        validators=[
            InputRequired(message=_l("Say how many you counted, as a whole number.")),
            NumberRange(min=0, max=COUNT_MAX, message=_l("Enter a whole number from 0 to 9999.")),
        ],
    )


class ShiftTimesForm(FlaskForm):
    """What every shift has: what it is for, when it starts and ends, how many places."""

    kind = SelectField(_l("What the shift is for"), choices=_choices(SHIFT_KINDS), validators=[InputRequired()])
    starts_at = TimeField(_l("Starts at"), format=TIME_FORMATS,
                          validators=[InputRequired(message=_l("Enter the time it starts."))])
    ends_at = TimeField(_l("Ends at"), format=TIME_FORMATS,
                        validators=[InputRequired(message=_l("Enter the time it ends."))])
    capacity = IntegerField(
        _l("Places"),
        validators=[
            InputRequired(message=_l("Say how many people the shift needs, as a whole number.")),
            NumberRange(min=1, max=PLACES_MAX, message=_l("Enter a whole number from %(min)d to %(max)d.")),
        ],
    )

    def validate_ends_at(self, field):
        if field.data is not None and self.starts_at.data is not None and field.data <= self.starts_at.data:
            raise ValidationError(_l("The shift must end after it starts."))


class PatternForm(ShiftTimesForm):
    weekdays = SelectMultipleField(
        _l("Days of the week"), coerce=int,
        choices=[SelectChoice(str(bit), label) for bit, label in enumerate(WEEKDAYS)],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    first_day = DateField(_l("First day"), validators=[InputRequired(message=_l("Choose the first day."))])
    last_day = DateField(_l("Last day (optional)"), validators=[Optional()])

    def validate_weekdays(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one day of the week."))

    def validate_first_day(self, field):
        _check_year(field.data)

    def validate_last_day(self, field):
        _check_year(field.data)
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("The pattern cannot end before it starts."))

    def pattern_fields(self):
        """The fields as planning.save_pattern takes them: the days as a bitmask, bit 0 = Monday."""
        return {
            "kind": self.kind.data, "weekdays": sum(1 << bit for bit in set(self.weekdays.data)),
            "starts_at": self.starts_at.data, "ends_at": self.ends_at.data, "capacity": self.capacity.data,
            "first_day": self.first_day.data, "last_day": self.last_day.data,
        }


class OneOffShiftForm(ShiftTimesForm):
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Choose the day."))])

    def validate_day(self, field):
        _check_year(field.data)


class EndPatternForm(FlaskForm):
    last_day = DateField(_l("Last day with shifts"), validators=[InputRequired(message=_l("Choose the last day."))])

    def validate_last_day(self, field):
        _check_year(field.data)


class WeekForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only chooses what is shown

    start = DateField(lazy_pgettext("starting date", "From"), validators=[Optional()])
    # The site's slug, typed: a list of every site would grow with the network (pantry.coordinators.blueprint.site_named).
    site = StringField(_l("Site"), default="", validators=[Optional()])

    def validate_start(self, field):
        _check_year(field.data)
