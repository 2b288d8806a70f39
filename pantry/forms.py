"""Every HTML form's base: Flask-WTF's FlaskForm, reading a JSON body as a form body reads.

Flask-WTF hands a JSON body to the fields as it comes: a list, a string or a number there was a
500 (ImmutableMultiDict cannot read it), and a number or an object in a field reached validators
that expect text. Here only a JSON object's plain values (text and numbers, or lists of them) are
fields, as text; any other body has no fields, and the form says what is missing."""
from flask import request
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import MultiDict

PLAIN = (str, int, float)


class FlaskForm(_FlaskForm):
    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and _is_submitted() and request.is_json:  # a JSON body has no form part
                return MultiDict(json_fields(_json_body()))
            return _FlaskForm.Meta.wrap_formdata(self, form, formdata)


def json_fields(payload):
    """A JSON object's plain members as (name, text) pairs; nothing from anything else."""
    if not isinstance(payload, dict):
        return []
    pairs = []
    for name, value in payload.items():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, PLAIN):
                pairs.append((name, str(one)))
    return pairs


def _json_body():
    try:
        return request.get_json(silent=True)
    except RecursionError:  # [[[[...]]]] deeper than the parser goes
        return None
