"""Following a site without an account: the form, the confirmation, changing the choices and
the one-click unsubscribe (RFC 8058). The rules are pantry.outbox.followers'; these pages only
turn the form into types and say what happened."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from wtforms import IntegerField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional

from pantry import security
from pantry.database import commit_write, utcnow
from pantry.extensions import csrf, db
from pantry.forms import FlaskForm
from pantry.outbox import KINDS, followers, push
from pantry.public.views import bp
from pantry.sites.lookup import by_slug

NO_STORE = {"Cache-Control": "private, no-store"}
HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class FollowForm(FlaskForm):
    """Text into types only: which kinds and hours are allowed is the rule's to say."""

    email = StringField(_l("Your email address"), validators=[Length(max=254)])
    kinds = SelectMultipleField(_l("Tell me when"), choices=[], validate_choice=False)
    how = StringField(default="now")
    hour = IntegerField(_l("At"), default=18, validators=[Optional()])

    @property
    def digest_hour(self):
        return self.hour.data if self.how.data == "digest" else None


@bp.route("/sites/<slug>/follow", methods=["GET", "POST"])
@security.sign_ups
def follow(slug):
    site = site_or_404(slug)
    form = FollowForm() if request.method == "POST" else FollowForm(formdata=None, data={"kinds": list(KINDS)})
    if not form.validate_on_submit():
        return _follow_page(site, form, 422 if request.method == "POST" else 200)
    try:
        commit_write(db.session, lambda: followers.follow(
            db.session, site, form.email.data, form.kinds.data, form.digest_hour, str(get_locale()), utcnow()))
    except followers.FollowRefusal as refusal:
        db.session.rollback()
        form[refusal.field].errors = [refusal.message]
        return _follow_page(site, form, refusal.status)
    return redirect(url_for("public.follow_sent", slug=site.slug), 303)


@bp.get("/sites/<slug>/follow/sent")
def follow_sent(slug):
    return _said(site_or_404(slug), _("Check your mail"),
                 _("If the address is right, a mail with a link is on its way. Nothing more is sent until you "
                   "open that link; unconfirmed addresses are forgotten after two days."))


@bp.route("/follow/confirm/<link>", methods=["GET", "POST"])
@security.private_links
def confirm_following(link):
    """A GET only shows the button: a mail scanner that opens links confirms nothing."""
    if request.method == "GET":
        follower = followers.find(db.session, current_app.secret_key, link, followers.CONFIRM)
        if follower.confirmed_at is not None:
            raise followers.AlreadyConfirmed()
        return _page("public/follow_confirm.html", site=follower.site, form=FlaskForm())
    if not FlaskForm().validate_on_submit():
        return redirect(request.path, 303)
    follower = commit_write(db.session, lambda: followers.confirm(db.session, current_app.secret_key, link, utcnow()))
    manage = followers.token(current_app.secret_key, follower, followers.MANAGE)
    return _said(follower.site, _("You follow %(site)s", site=follower.site.name),
                 _("Thank you: the news you chose will come by mail. Every mail has a link to change or stop it."),
                 manage=url_for("public.following", link=manage))


@bp.route("/follow/<link>", methods=["GET", "POST"])
@security.private_links
def following(link):
    """Change what you hear about, and how often."""
    follower = followers.find(db.session, current_app.secret_key, link, followers.MANAGE)
    how = "digest" if follower.digest_hour is not None else "now"
    data = {"kinds": follower.kinds, "how": how, "hour": follower.digest_hour or 18}
    form = FollowForm() if request.method == "POST" else FollowForm(formdata=None, data=data)
    if request.method == "GET" or not form.validate_on_submit():
        return _follow_page(follower.site, form, 422 if form.errors else 200, link=link)
    commit_write(db.session, lambda: followers.change(db.session, _again(link), form.kinds.data, form.digest_hour))
    return _said(follower.site, _("Saved"), _("Your choices are saved."), manage=request.path)


@bp.route("/follow/<link>/unsubscribe", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: a mail client posts "List-Unsubscribe=One-Click" with no form of ours
@security.private_links
def unfollow(link):
    follower = followers.find(db.session, current_app.secret_key, link, followers.MANAGE)
    site = follower.site
    if request.method == "GET":
        return _page("public/follow_stop.html", site=site, form=FlaskForm())
    commit_write(db.session, lambda: followers.unsubscribe(db.session, _again(link)))
    return _said(site, _("Unsubscribed"), _("You will hear nothing more, and your address is forgotten."))


def site_or_404(slug):
    return by_slug(db.session, slug) or abort(404)


def _again(link):
    """The follower found afresh inside the write (commit_write may run the write twice)."""
    return followers.find(db.session, current_app.secret_key, link, followers.MANAGE)


def _follow_page(site, form, status, link=None):
    key = None if link else push.public_key(current_app.instance_path)
    return _page("public/follow.html", status, site=site, form=form, kinds=KINDS, hours=HOURS, link=link, push_key=key)


def _said(site, title, text, manage=None):
    return _page("public/follow_said.html", site=site, title=title, text=text, manage=manage)


def _page(template, status=200, **context):
    # Private links: never kept by a browser cache or a shared proxy, and not indexed.
    return render_template(template, **context), status, NO_STORE
