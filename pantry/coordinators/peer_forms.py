"""What a coordinator sends about coordinating itself: their own details, a review, a vote, the
journal's filters. The limits are the rules'; these only turn text into types."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from pantry.coordinators import invitations, reviews
from pantry.coordinators.forms import plain_text
from pantry.forms import FlaskForm

SCORE_CHOICES = [SelectChoice(str(score), f"{score:+d}" if score else "0") for score in reversed(reviews.SCORES)]
CHOICE_LABELS = {
    "remove": _l("Remove them from the network"),
    "keep": _l("No change"),
    "discuss": _l("Discuss further"),
}


class SelfForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[Length(max=invitations.NAME_MAX), plain_text])
    language = SelectField(_l("Language of your mail"))


class EmailForm(FlaskForm):
    email = StringField(
        _l("New email"),
        validators=[DataRequired(message=_l("Enter your new email.")), Length(max=invitations.EMAIL_MAX), plain_text],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Why (everyone reads this)"),
                           validators=[DataRequired(message=_l("Say why.")), Length(max=reviews.REASON_MAX)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer (everyone reads this)"),
                           validators=[DataRequired(message=_l("Write your answer.")), Length(max=reviews.REASON_MAX)])


def _score(label):
    return RadioField(label, choices=SCORE_CHOICES, coerce=int, default=0,
                      validators=[InputRequired(message=_l("Give each choice a score from -2 to +2."))])


class VoteForm(FlaskForm):
    remove = _score(CHOICE_LABELS["remove"])
    keep = _score(CHOICE_LABELS["keep"])
    discuss = _score(CHOICE_LABELS["discuss"])

    def scores(self):
        return {choice: self[choice].data for choice in reviews.CHOICES}


def _as_typed_email(text):
    return (text or "").strip().lower()  # addresses are kept lowercased (invitations.normalise_email)


class JournalFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only narrows what is shown

    person = StringField(_l("Who"), filters=[_as_typed_email], validators=[Optional()])  # their email, typed (journal_pages)
    site = StringField(_l("Site"), validators=[Optional()])  # its slug, typed (blueprint.site_named)
    kind = SelectField(_l("About"), validators=[Optional()])
