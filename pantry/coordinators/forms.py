"""What a coordinator sends: sign-in, passwords, invitations, sites, items, targets, tags, filters,
corrections and counts. The limits mirror the rules', so most mistakes are caught here first."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, ValidationError

from pantry.coordinators import invitations
from pantry.sites import rules as site_rules
from pantry.sites.models import SITE_KINDS, SITE_STATES
from pantry.sites.rules import UNUSUAL_CHARACTERS, has_control_characters
from pantry.stock import items as item_rules
from pantry.stock.models import CATEGORIES, KINDS, MOVEMENT_LABELS
from pantry.tags.forms import KeyedForm

COUNT_MAX = 9999
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
        choices=[SelectChoice("site", _l("This site: every item")), SelectChoice("item", _l("One item"))],
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
    date_from = DateField(_l("From"), validators=[Optional()])
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
