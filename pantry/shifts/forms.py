"""What a volunteer sends: a sign-up for a shift, and the one-button cancel."""
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from pantry import emails
from pantry.forms import FlaskForm
from pantry.text import KEY_PATTERN

# Text direction overrides and isolates: they can make a name on a public list read as another.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def stripped(value):
    return value.strip() if isinstance(value, str) else value


def plain_text(form, field):
    """No line breaks, tabs, NUL bytes or other invisible controls."""
    if field.data and any(
        unicodedata.category(character) in ("Cc", "Zl", "Zp") or character in DIRECTION_CONTROLS
        for character in field.data
    ):
        raise ValidationError(_l("Please type this again without line breaks or invisible control characters."))


def one_email_address(form, field):
    """Exactly one address (email-validator): no second recipient, no ?bcc= extras."""
    if field.data:
        try:
            field.data = emails.one_address(field.data)
        except emails.NotOneAddress:
            raise ValidationError(_l("That does not look like an email address, for example ana@example.org.")) from None


def has_a_digit(form, field):
    if field.data and not any(character.isdigit() for character in field.data):
        raise ValidationError(_l("That does not look like a phone number."))


class SignUpForm(FlaskForm):
    key = HiddenField("", validators=[
        InputRequired(message=_l("Reload the page and try again.")),
        Regexp(KEY_PATTERN, message=_l("Reload the page and try again.")),
    ])
    name = StringField(
        _l("Your name"),
        filters=[stripped],
        validators=[
            DataRequired(message=_l("Type your name, so the others know who is coming.")),
            Length(max=80, message=_l("Please keep the name to at most %(max)d characters.")),
            plain_text,
        ],
    )
    email = StringField(
        _l("Email (optional)"),
        filters=[stripped],
        validators=[
            Optional(),
            Length(max=254, message=_l("That email address is too long.")),
            plain_text,
            one_email_address,
        ],
    )
    phone = StringField(
        _l("Phone (optional)"),
        filters=[stripped],
        validators=[
            Optional(),
            Length(max=40, message=_l("Please keep the phone number to at most %(max)d characters.")),
            plain_text,
            has_a_digit,
        ],
    )
    show_name = BooleanField(_l("Show my first name on the public list"))


class CancelForm(FlaskForm):
    """One button; the form is here for its CSRF token."""
