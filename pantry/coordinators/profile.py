"""A coordinator's own page: the language of the mails Pantry sends them."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectField

from pantry.coordinators.blueprint import bp
from pantry.coordinators.models import Coordinator
from pantry.database import commit_write
from pantry.extensions import db
from pantry.forms import FlaskForm
from pantry.languages import names


class LanguageForm(FlaskForm):
    language = SelectField(choices=[], validate_choice=False)


@bp.route("/me", methods=["GET", "POST"])
@login_required
def me():
    form = LanguageForm(data={"language": current_user.language or current_app.config["BABEL_DEFAULT_LOCALE"]})
    offered = names(current_app.config["LANGUAGES"])
    if form.validate_on_submit():
        if form.language.data not in offered:
            form.language.errors = [_("Choose one of the languages offered.")]
            return render_template("coordinators/me.html", form=form, languages=offered), 422
        commit_write(db.session, lambda: _set_language(current_user.id, form.language.data))
        flash(_("Saved: your mails will be in this language."), "logged")
        return redirect(url_for("coordinators.me"), 303)
    return render_template("coordinators/me.html", form=form, languages=offered)


def _set_language(coordinator_id, language):
    db.session.get(Coordinator, coordinator_id).language = language
    db.session.flush()
