"""Every address the app answers, built from app.url_map and the rows in the database, and
which of them belong to coordinators.

Nothing here lists a URL by hand. A route added later is picked up as soon as it is
registered: it is a coordinator's if it joins the `coordinators` blueprint, a public one
otherwise, and one whose arguments nobody has taught `fillings` to fill is named in the
failure of test_every_route_is_built_and_classified rather than silently skipped."""
import os
from dataclasses import dataclass, field
from itertools import product

from sqlalchemy import func, select

from pantry.care.models import CareRecord
from pantry.coordinators import setup
from pantry.coordinators.models import Coordinator, Invitation, Recovery, Review
from pantry.needs.models import Promise, Suggestion
from pantry.needs.promises import manage_token as promise_token
from pantry.outbox import followers
from pantry.outbox.models import Follower, Message, Webhook
from pantry.reports.models import Report, ReportPhoto
from pantry.shifts.models import Shift, ShiftPattern, SignUp
from pantry.shifts.signups import manage_token
from pantry.sites.models import Site
from pantry.stock.models import Item, Movement
from pantry.tags.models import Tag
from pantry.tags.sheets import PAPERS

COORDINATORS = "coordinators"  # the blueprint, mounted at /admin
# The coordinators' doors that open without signing in: they are how one signs in (the second step
# of a two-step sign-in, and the first-run setup, included).
OPEN_DOORS = frozenset({"coordinators.sign_in", "coordinators.welcome", "coordinators.forgot",
                        "coordinators.sign_in_code", "coordinators.set_up"})
# Of those, the doors that open only after a step before them: the code's page after a right password,
# the setup link only while no coordinator exists. Without that step they answer this.
DOORS_AFTER_A_STEP = {"coordinators.sign_in_code": 302, "coordinators.set_up": 410}
# Flask answers OPTIONS itself and runs the GET view for HEAD: the methods left are the views'.
ANSWERED_BY_FLASK = frozenset({"HEAD", "OPTIONS"})


def blueprint(rule):
    return rule.endpoint.rpartition(".")[0]


def is_coordinators(rule):
    return blueprint(rule) == COORDINATORS


def guarded_rules(app):
    """The routes only a signed-in coordinator may use: the blueprint's, less its open doors."""
    return [rule for rule in app.url_map.iter_rules() if is_coordinators(rule) and rule.endpoint not in OPEN_DOORS]


def public_rules(app):
    return [rule for rule in app.url_map.iter_rules() if not is_coordinators(rule)]


def methods(rule):
    return sorted(rule.methods - ANSWERED_BY_FLASK)


@dataclass
class Fillings:
    """Real values for route arguments. Each choice is a dict that binds the argument and any
    argument it belongs with (a movement binds its site's slug too), so that a movement
    is always asked for at its own site and a care record under its own site's label."""

    by_argument: dict
    by_endpoint: dict = field(default_factory=dict)  # (endpoint, argument) -> choices, where a name means another thing

    def choices(self, endpoint, argument):
        return self.by_endpoint.get((endpoint, argument), self.by_argument.get(argument))


class CannotFill(Exception):
    pass


def fillings(app, session, invitation_tokens=(), email_tokens=()):
    """What the database holds now, as choices for every argument the app's routes take: every
    site, item, shift, pattern, label, report, photo and private link; the latest movement and
    care record of each site (thousands of ledger lines would add time, not doors)."""
    sites = session.scalars(select(Site).order_by(Site.id)).all()
    slug_of = {site.id: site.slug for site in sites}
    tags = session.scalars(select(Tag).order_by(Tag.id)).all()
    care_codes = {tag.site_id: tag.code for tag in tags if tag.purpose == "care" and tag.revoked_at is None}
    latest_movements = session.execute(select(func.max(Movement.id), Movement.site_id).group_by(Movement.site_id))
    latest_care = select(func.max(CareRecord.id)).group_by(CareRecord.site_id)
    care_records = session.execute(select(CareRecord.idempotency_key, CareRecord.site_id)
                                   .where(CareRecord.id.in_(latest_care)).order_by(CareRecord.id))
    sign_up_keys = session.scalars(select(SignUp.idempotency_key).order_by(SignUp.id))
    static = app.static_folder
    promise_keys = session.scalars(select(Promise.idempotency_key).order_by(Promise.id)).all()
    # A promise's private link, derived from its key as the form derives it; a sign-up's where none exists.
    promise_links = {("needs.promised", "token"): [{"token": promise_token(app.secret_key, key)}
                                                   for key in promise_keys]} if promise_keys else {}
    return Fillings(
        by_argument={
            "slug": [{"slug": site.slug} for site in sites],
            "item_id": [{"item_id": item_id} for item_id in session.scalars(select(Item.id).order_by(Item.id))],
            "shift_id": [{"shift_id": shift_id} for shift_id in session.scalars(select(Shift.id).order_by(Shift.id))],
            "movement_id": [{"movement_id": movement_id, "slug": slug_of[site_id]}
                            for movement_id, site_id in latest_movements],
            "pattern_id": [{"pattern_id": pattern.id, "slug": slug_of[pattern.site_id]}
                           for pattern in session.scalars(select(ShiftPattern).order_by(ShiftPattern.id))],
            "code": [{"code": tag.code} for tag in tags],
            "paper": [{"paper": paper} for paper in PAPERS],
            # A coordinator's door refuses a stranger whether or not the suggestion exists.
            "suggestion_id": [{"suggestion_id": suggestion_id} for suggestion_id in
                              session.scalars(select(Suggestion.id).order_by(Suggestion.id))] or [{"suggestion_id": 1}],
            "report_id": [{"report_id": report_id} for report_id in session.scalars(select(Report.id).order_by(Report.id))],
            "photo_id": [{"photo_id": photo_id} for photo_id in session.scalars(select(ReportPhoto.id).order_by(ReportPhoto.id))],
            # The demo and the sign-up form both derive a sign-up's private link from its key.
            "token": [{"token": manage_token(app.secret_key, key)} for key in sign_up_keys],
            "key": [{"key": key, "code": care_codes[site_id]}
                    for key, site_id in care_records if site_id in care_codes],
            "link": [{"link": followers.token(app.secret_key, follower, followers.MANAGE)}
                     for follower in session.scalars(select(Follower).order_by(Follower.id))],
            "message_id": [{"message_id": ident} for ident in session.scalars(select(Message.id).order_by(Message.id))],
            "hook_id": [{"hook_id": ident} for ident in session.scalars(select(Webhook.id).order_by(Webhook.id))],
            "action": [{"action": "remove"}, {"action": "enable"}],
            "invitation_id": [{"invitation_id": invitation_id}
                              for invitation_id in session.scalars(select(Invitation.id).order_by(Invitation.id))],
            "coordinator_id": [{"coordinator_id": coordinator_id}
                               for coordinator_id in session.scalars(select(Coordinator.id).order_by(Coordinator.id))],
            "recovery_id": [{"recovery_id": recovery_id}
                            for recovery_id in session.scalars(select(Recovery.id).order_by(Recovery.id))],
            "review_id": [{"review_id": review_id} for review_id in session.scalars(select(Review.id).order_by(Review.id))],
            "filename": [{"filename": os.path.relpath(os.path.join(folder, name), static).replace(os.sep, "/")}
                         for folder, _dirs, names in os.walk(static) for name in sorted(names)],
        },
        by_endpoint={
            ("languages.switch", "code"): [{"code": code} for code in app.config["LANGUAGES"]],
            ("coordinators.welcome", "token"): [{"token": token} for token in invitation_tokens],
            ("coordinators.set_up", "token"): [{"token": setup.token(app.secret_key)}],
            # Only a follower who has not confirmed yet has a confirmation page to open.
            ("public.confirm_following", "link"): [
                {"link": followers.token(app.secret_key, follower, followers.CONFIRM)}
                for follower in session.scalars(select(Follower).where(Follower.confirmed_at.is_(None)))],
            ("coordinators.confirm_email", "token"): [{"token": token} for token in email_tokens],
            **promise_links,
        },
    )


def bindings(rule, found):
    """Every consistent way to fill the rule's arguments from `found`, as dicts of its arguments.
    Raises CannotFill naming the arguments nobody knows how to fill."""
    names = sorted(rule.arguments)
    options = [found.choices(rule.endpoint, name) for name in names]
    unknown = [name for name, choices in zip(names, options, strict=True) if not choices]
    if unknown:
        raise CannotFill(f"{rule.endpoint} ({rule.rule}): nothing to fill {', '.join(unknown)}")
    for combination in product(*options):
        merged = {}
        if all(merged.setdefault(name, value) == value for choice in combination for name, value in choice.items()):
            yield {name: merged[name] for name in names}


def address(rule, values):
    """The path of `rule` with `values`, quoted as a browser would send it."""
    return rule.build(values, append_unknown=False)[1]


def first_address(rule, found):
    """One real address for the rule, or CannotFill when its arguments cannot be filled consistently."""
    for values in bindings(rule, found):
        return address(rule, values), values
    raise CannotFill(f"{rule.endpoint} ({rule.rule}): no consistent values for {', '.join(sorted(rule.arguments))}")


def every_address(rule, found):
    """Every real address for the rule, with the values that made it."""
    return [(address(rule, values), values) for values in bindings(rule, found)]
