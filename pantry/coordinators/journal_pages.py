"""The journal as every coordinator reads it: newest first, narrowed by person, site and kind,
a page at a time, and the same lines as a CSV file."""
from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from wtforms import SelectChoice

from pantry import seek
from pantry.clock import deployment_zone
from pantry.coordinators.blueprint import bp, site_named
from pantry.coordinators.exports import cell, moment, stream
from pantry.coordinators.models import Coordinator
from pantry.coordinators.paging import requested
from pantry.coordinators.peer_forms import JournalFilterForm
from pantry.extensions import db
from pantry.journal import JournalEntry
from pantry.seek import Page
from pantry.sites.models import Site

PAGE_SIZE = 50
ORDER = seek.Order((JournalEntry.at, JournalEntry.id), descending=True)  # newest first
KINDS = {
    "site": _l("Sites"), "item": _l("Items"), "target": _l("Targets"), "label": _l("Labels"),
    "ledger": _l("Corrections and counts"), "shift": _l("Shifts"), "invitation": _l("Invitations"),
    "coordinator": _l("Coordinators"), "review": _l("Reviews"), "network": _l("The network"),
    "food": _l("Food in question"), "report": _l("Reports"), "suggestion": _l("Suggestions"),
    "message": _l("Messages"), "webhook": _l("Webhooks"),
}
ACTIONS = {
    "site.added": _l("added a site"), "site.changed": _l("changed a site"),
    "item.added": _l("added an item"), "item.changed": _l("changed an item"),
    "target.changed": _l("changed targets"),
    "label.made": _l("made a label"), "label.revoked": _l("revoked a label"), "label.replaced": _l("replaced a label"),
    "ledger.corrected": _l("corrected an entry"), "ledger.counted": _l("counted an item"),
    "shift.pattern_added": _l("added a shift pattern"), "shift.pattern_changed": _l("changed a shift pattern"),
    "shift.pattern_ended": _l("ended a shift pattern"), "shift.added": _l("added a one-off shift"),
    "shift.cancelled": _l("cancelled a shift"),
    "invitation.made": _l("invited a coordinator"), "invitation.agreed": _l("agreed to an invitation"),
    "coordinator.added": _l("added a coordinator"), "coordinator.joined": _l("joined"),
    "coordinator.password_set": _l("set a new password"), "coordinator.changed": _l("changed their details"),
    "coordinator.email_asked": _l("asked to change their email"),
    "coordinator.email_changed": _l("changed their email"), "coordinator.stepped_down": _l("stepped down"),
    "coordinator.removed": _l("removed from the network"),
    "coordinator.two_step_on": _l("turned two-step sign-in on"),
    "coordinator.two_step_off": _l("turned two-step sign-in off"),
    "coordinator.recovery_code_used": _l("signed in with a recovery code"),
    "coordinator.signed_out": _l("signed out"), "coordinator.session_ended": _l("ended one of their sessions"),
    "coordinator.sessions_ended": _l("ended their other sessions"), "network.set_up": _l("set up the network"),
    "review.opened": _l("opened a review"), "review.voted": _l("voted in a review"),
    "review.answered": _l("answered a review"), "review.new_round": _l("a review goes to a new round"),
    "review.closed": _l("a review closed"),
    "coordinator.reset_mailed": _l("was mailed a link to set a new password"),
    "coordinator.recovery_asked": _l("asked for a new sign-in link for a coordinator"),
    "coordinator.recovery_agreed": _l("agreed to a new sign-in link for a coordinator"),
    "coordinator.recovery_handed": _l("handed a new sign-in link over in person"),
    "coordinator.recovery_told": _l("was told a new sign-in link was handed over"),
    "ledger.transferred": _l("moved food to another site"),
    "food.put_in_question": _l("put food in question: it was in the fridge while it was warm"),
    "food.flag_cleared": _l("cleared food put in question, with a reason"),
    "report.closed": _l("closed a report"), "report.not_true": _l("marked a report as not true"),
    "site.located": _l("placed a site on the map"), "item.named": _l("named an item in another language"),
    "suggestion.dismissed": _l("dismissed a suggestion"), "suggestion.made_item": _l("made a suggestion an item"),
    "suggestion.same_item": _l("counted a suggestion for an item"),
    "message.retried": _l("sent a message again"),
    "webhook.added": _l("added a webhook"), "webhook.removed": _l("removed a webhook"),
    "webhook.enabled": _l("turned a webhook back on"),
}


@bp.get("/journal")
@login_required
def journal():
    form = _filters()
    where, bad_page = requested(request.args)
    chosen = _chosen(form)
    if chosen is None:
        return render_template("coordinators/journal.html", form=form, entries=Page(), where=where, bad_page=None,
                               filters={}, actions=ACTIONS), 422
    found = lines(db.session, where, PAGE_SIZE, **chosen)
    filters = {name: request.args[name] for name in ("person", "site", "kind") if request.args.get(name)}
    page = render_template("coordinators/journal.html", form=form, entries=found, where=where, bad_page=bad_page,
                           filters=filters, actions=ACTIONS)
    return page, 400 if bad_page else 200


@bp.get("/journal.csv")
@login_required
def journal_csv():
    chosen = _chosen(_filters())
    if chosen is None:
        abort(422)
    zone = deployment_zone()
    header = ["when", "who", "action", "subject", "site", "before", "after"]
    query = journal_csv_query(**chosen)

    def shape(row):
        entry, slug = row
        return [moment(entry.at, zone), cell(entry.who), entry.action, cell(entry.subject), slug or "",
                cell(entry.before), cell(entry.after)]

    response = Response(stream_with_context(stream(header, query, shape)), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="journal.csv"'
    return response


def _filters():
    form = JournalFilterForm(request.args)
    form.kind.choices = [SelectChoice("", _l("Everything"))] + [
        SelectChoice(kind, label) for kind, label in KINDS.items()]
    return form


def _chosen(form):
    """journal_query's arguments from the filters, or None when a box names no one and nothing
    (then the box says so). A person is typed as their email: a list of every coordinator would
    grow with the network."""
    if not form.validate() or not site_named(form.site):
        return None
    person_id = None
    if form.person.data:
        person_id = db.session.scalar(select(Coordinator.id).where(Coordinator.email == form.person.data))
        if person_id is None:
            form.person.errors.append(_l("No coordinator has that email address."))
            return None
    return {"person_id": person_id, "site_slug": form.site.data or None, "kind": form.kind.data or None}


def journal_query(person_id=None, site_slug=None, kind=None):
    """The journal's lines by one person, at one site, about one kind of thing (None: any), in no order yet."""
    query = select(JournalEntry)
    if person_id is not None:
        query = query.where(JournalEntry.coordinator_id == person_id)
    if site_slug:
        query = query.where(JournalEntry.site_id == select(Site.id).where(Site.slug == site_slug)
                            .scalar_subquery())
    if kind:
        query = query.where(JournalEntry.kind == kind)
    return query


def journal_csv_query(**chosen):
    """The CSV file's rows: every line as journal_query narrows them, newest first, with its site's slug."""
    return (journal_query(**chosen).add_columns(Site.slug).outerjoin(Site, Site.id == JournalEntry.site_id)
            .order_by(*ORDER.by()))


def lines(session, where, size, **chosen):
    """A page (a seek.Page) of the journal, newest first, from `where` (a seek.Seek), narrowed as journal_query."""
    return seek.page(session, journal_query(**chosen), ORDER, where, size)
