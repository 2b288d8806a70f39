"""The outbox as coordinators see it: how many messages wait, went, failed or are dead, the
dead and failing ones with their reason and a retry; how many follow each site (never who);
and the group chats' webhooks."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms import SelectMultipleField, StringField
from wtforms.validators import Length

from pantry import journal
from pantry.coordinators.blueprint import bp, refuse
from pantry.coordinators.forms import ButtonForm
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.forms import FlaskForm
from pantry.outbox import KINDS, queue, webhooks
from pantry.outbox.addresses import BadWebhookUrl
from pantry.outbox.models import Follower, Message, Webhook
from pantry.sites.models import Site

TROUBLE_SHOWN = 50


class WebhookForm(FlaskForm):
    url = StringField(validators=[Length(max=500)])
    kinds = SelectMultipleField(choices=[], validate_choice=False)


@bp.get("/outbox")
@login_required
def outbox():
    trouble = db.session.scalars(
        select(Message).where(Message.state.in_(("failed", "dead"))).order_by(Message.due_at.desc()).limit(TROUBLE_SHOWN)
    ).all()
    return render_template("coordinators/outbox.html", counts=queue.counts(db.session), trouble=trouble,
                           following=_following(), form=ButtonForm())


@bp.post("/outbox/<int:message_id>/retry")
@login_required
def retry_message(message_id):
    if ButtonForm().validate_on_submit():
        if commit_write(db.session, lambda: _retry(message_id, utcnow())):
            flash(_("The message will be sent again."), "logged")
        else:
            flash(_("That message is not waiting for a retry."), "warning")
    return redirect(url_for("coordinators.outbox"), 303)


@bp.route("/webhooks", methods=["GET", "POST"])
@login_required
def webhooks_page():
    form = WebhookForm()
    if form.validate_on_submit():
        allow = current_app.config["WEBHOOK_ALLOW_LOOPBACK"]
        try:
            commit_write(db.session, lambda: _add_webhook(form.url.data, form.kinds.data, utcnow(), allow))
        except (webhooks.NoWebhookKinds, BadWebhookUrl) as error:
            refuse(error, form)
            return _webhooks_page(form, 422)
        flash(_("Added the webhook. Check its signature with the secret shown below."), "logged")
        return redirect(url_for("coordinators.webhooks_page"), 303)
    return _webhooks_page(form, 422 if form.errors else 200)


@bp.post("/webhooks/<int:hook_id>/<any(remove, enable):action>")
@login_required
def change_webhook(hook_id, action):
    if ButtonForm().validate_on_submit():
        commit_write(db.session, lambda: _change_webhook(hook_id, action, utcnow()))
        flash(_("Removed the webhook.") if action == "remove" else _("The webhook is on again."), "logged")
    return redirect(url_for("coordinators.webhooks_page"), 303)


def _retry(message_id, now):
    """Every coordinator action is in the journal: a retry, and each change of a webhook."""
    message = db.session.get(Message, message_id)
    if message is None or not queue.retry(db.session, message_id, now):
        return False
    journal.record(db.session, current_user, "message.retried", message.letter, {"state": message.state},
                   {"state": "waiting"}, now)
    return True


def _add_webhook(url, kinds, now, allow):
    hook = webhooks.add(db.session, url, kinds, now, allow_loopback=allow)
    journal.record(db.session, current_user, "webhook.added", hook.url, {}, {"url": hook.url, "kinds": hook.kinds}, now)
    return hook


def _change_webhook(hook_id, action, now):
    hook = webhooks.find(db.session, hook_id)
    before = {"url": hook.url, "kinds": hook.kinds, "disabled": hook.disabled_at is not None}
    url = hook.url
    if action == "remove":
        webhooks.remove(db.session, hook_id)
        after = {}
    else:
        webhooks.enable(db.session, hook_id)
        after = {**before, "disabled": False}
    journal.record(db.session, current_user, f"webhook.{'removed' if action == 'remove' else 'enabled'}", url,
                   before, after, now)


def _webhooks_page(form, status):
    hooks = db.session.scalars(select(Webhook).order_by(Webhook.id)).all()
    return render_template("coordinators/webhooks.html", form=form, hooks=hooks, kinds=KINDS,
                           button=ButtonForm(formdata=None)), status


def _following():
    """Per site: how many confirmed followers, and how many still to confirm. Counts, never addresses."""
    confirmed = func.count(Follower.confirmed_at)
    rows = db.session.execute(
        select(Site.name, confirmed, func.count(Follower.id) - confirmed)
        .join(Follower, Follower.site_id == Site.id).group_by(Site.id, Site.name).order_by(Site.name)
    ).all()
    return rows
