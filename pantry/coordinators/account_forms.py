"""What a coordinator sends about their own sign-in: a two-step code, a session to end, and the
first-run setup. The limits are the rules'; these only turn text into types."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from pantry.coordinators import invitations, setup
from pantry.coordinators.forms import PasswordForm, plain_text
from pantry.coordinators.sessions import LARGEST_ID
from pantry.forms import FlaskForm


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Type the code.")), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"})


class SessionForm(FlaskForm):
    session = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=LARGEST_ID)])


class SetupForm(PasswordForm):
    network = StringField(_l("Name of the network"), validators=[
        DataRequired(message=_l("Name the network.")), Length(max=setup.NAME_MAX), plain_text])
    timezone = SelectField(_l("Time zone"))
    language = SelectField(_l("Language"))
    name = StringField(_l("Your name"), validators=[Length(max=invitations.NAME_MAX), plain_text])
    email = StringField(_l("Your email"), validators=[
        DataRequired(message=_l("Enter your email.")), Length(max=invitations.EMAIL_MAX), plain_text])

    def choice(self):
        return {name: self[name].data for name in ("network", "timezone", "language", "name", "email", "password")}
