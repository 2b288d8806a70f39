"""Every HTML form's base, the keyed form every write uses, and the one way a JSON body is read.

Flask-WTF hands a JSON body to the fields as it comes: a list, a string or a number there was a
500 (ImmutableMultiDict cannot read it), and a number or an object in a field reached validators
that expect text. Here only a JSON object's plain values (text and numbers; lists of them only
for a field that takes several) are fields, as text; any other body has no fields, and the form
says what is missing. A form whose Meta says `json_object_only` refuses such a body (BadJson)."""
from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, SelectMultipleField
from wtforms.validators import InputRequired, Regexp

from pantry.refusals import Refusal
from pantry.text import KEY_PATTERN

PLAIN = (str, int, float)


class BadJson(Refusal):
    code = "bad_json"
    status = 400
    message = _l("Send one JSON object, with the header Content-Type: application/json.")


def json_object(request):
    """The request's body as a dict, or BadJson: not JSON, broken, too deeply nested, or not an object."""
    if not request.is_json:
        raise BadJson()
    try:
        payload = request.get_json(silent=True)  # broken JSON, bad UTF-8, a 5,000-digit number: None
    except RecursionError:  # [[[[...]]]] deeper than the parser goes
        raise BadJson() from None
    if not isinstance(payload, dict):
        raise BadJson()
    return payload


def json_fields(payload, many=()):
    """A JSON object's plain members as (name, text) pairs; a list only for a name in `many`."""
    pairs = []
    for name, value in payload.items():
        for one in value if isinstance(value, list) and name in many else [value]:
            if isinstance(one, PLAIN):
                pairs.append((name, str(one)))
    return pairs


class FlaskForm(_FlaskForm):
    class Meta:
        json_object_only = False

        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and _is_submitted() and request.is_json:  # a JSON body has no form part
                try:
                    payload = json_object(request)
                except BadJson:
                    if self.json_object_only:
                        raise
                    payload = {}
                many = {field.name for field in form if isinstance(field, SelectMultipleField)}
                return MultiDict(json_fields(payload, many))
            return _FlaskForm.Meta.wrap_formdata(self, form, formdata)


class KeyedForm(FlaskForm):
    """Every write carries an idempotency key, made when the form was shown."""

    key = HiddenField("", validators=[InputRequired(), Regexp(KEY_PATTERN, message=_l("Reload the page and try again."))])
