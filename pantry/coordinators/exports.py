"""A site's books to take away as CSV: movements, care records, temperature readings and
sign-up rosters, for a range of local days. Streamed a chunk of rows at a time from a
server-side cursor, so a file of a million rows never sits in memory."""
import csv
import io
from datetime import timedelta

from flask import Response, current_app, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select
from wtforms import DateField
from wtforms.validators import InputRequired, ValidationError

from pantry.care import rules as care
from pantry.care.models import CareRecord, Reading
from pantry.clock import day_start, deployment_zone, local_today
from pantry.coordinators.blueprint import bp, site_or_404
from pantry.coordinators.forms import FIRST_YEAR, LAST_YEAR
from pantry.extensions import db
from pantry.forms import FlaskForm
from pantry.shifts.models import Shift, SignUp
from pantry.stock.models import Item, Movement

CHUNK = 1000  # rows fetched, written and sent at a time
DEFAULT_DAYS = 30  # what the exports page offers first: the last 30 days
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only chooses what to download

    date_from = DateField(_l("From"), validators=[InputRequired(message=_l("Choose the first day."))])
    date_to = DateField(_l("To"), validators=[InputRequired(message=_l("Choose the last day."))])

    def validate_date_from(self, field):
        _check_year(field.data)

    def validate_date_to(self, field):
        _check_year(field.data)
        first, last = self.date_from.data, field.data
        if first is None or last is None:
            return
        if last < first:
            raise ValidationError(_l("The end date is before the start date."))
        most = current_app.config["EXPORT_MAX_DAYS"]
        if (last - first).days + 1 > most:
            raise ValidationError(_l("Choose at most %(days)d days at a time.", days=most))


def _check_year(day):
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(_l("Choose a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))


@bp.get("/sites/<slug>/exports", endpoint="exports")
@login_required
def exports_page(slug):
    """The four files, and the days they cover (the ledger's dates when it sent us here)."""
    site = site_or_404(slug)
    today = local_today()
    form = ExportForm(request.args, data={"date_from": today - timedelta(days=DEFAULT_DAYS - 1), "date_to": today})
    return _page(site, form), 200


@bp.get("/sites/<slug>/exports/movements.csv")
@login_required
def export_movements(slug):
    return _export(slug, "movements", movements_table)


@bp.get("/sites/<slug>/exports/care-records.csv")
@login_required
def export_care_records(slug):
    return _export(slug, "care-records", care_table)


@bp.get("/sites/<slug>/exports/temperatures.csv")
@login_required
def export_temperatures(slug):
    return _export(slug, "temperatures", temperatures_table)


@bp.get("/sites/<slug>/exports/sign-ups.csv")
@login_required
def export_sign_ups(slug):
    return _export(slug, "sign-ups", sign_ups_table)


def _export(slug, name, table):
    site = site_or_404(slug)
    form = ExportForm(request.args)
    if not form.validate():
        return _page(site, form), 422
    first, last = form.date_from.data, form.date_to.data
    zone = deployment_zone()
    start, end = day_start(first, zone), day_start(last + timedelta(days=1), zone)
    header, query, shape = table(site, start, end, zone)
    response = Response(stream_with_context(stream(header, query, shape)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{site.slug}-{first}-{last}.csv"'
    return response


def _page(site, form):
    return render_template("coordinators/exports.html", site=site, form=form,
                           most=current_app.config["EXPORT_MAX_DAYS"])


def stream(header, query, shape):
    """The header, then the rows a chunk at a time: each chunk is fetched, written through
    csv.writer into a small buffer, and sent before the next one is read."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(header)
    yield _drain(buffer)
    result = db.session.execute(query.execution_options(yield_per=CHUNK))
    try:
        for rows in result.partitions():
            out.writerows(map(shape, rows))
            yield _drain(buffer)
    finally:
        result.close()
        db.session.rollback()  # end the long read (on SQLite it holds back the WAL checkpoint)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def cell(value):
    """A text cell, made safe to open in a spreadsheet: a leading apostrophe before =, +, -, @."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value or ""


def moment(value, zone):
    """An aware time in the deployment's zone, ISO 8601 with its offset; empty for none."""
    return value.astimezone(zone).isoformat(timespec="seconds") if value is not None else ""


def day(value):
    return value.isoformat() if value is not None else ""


def yes_no(value):
    return "" if value is None else ("true" if value else "false")


def movements_table(site, start, end, zone):
    header = ["entry", "time", "site", "item", "unit", "kind", "quantity", "delta", "best_before",
              "source", "recorded_by", "corrects", "note", "reason", "pairs", "typical_grams"]
    query = (
        select(Movement.id, Movement.created_at, Item.name, Item.unit, Movement.kind, Movement.quantity,
               Movement.delta, Movement.best_before, Movement.source, Movement.recorded_by,
               Movement.corrects_id, Movement.note, Movement.reason, Movement.pairs_id, Item.typical_grams)
        .join(Item, Item.id == Movement.item_id)
        .where(Movement.site_id == site.id, Movement.created_at >= start, Movement.created_at < end)
        .order_by(Movement.created_at, Movement.id)
    )
    slug = site.slug

    def shape(row):
        (entry, created_at, item, unit, kind, quantity, delta, best_before, source, recorded_by,
         corrects, note, reason, pairs, grams) = row
        return [entry, moment(created_at, zone), slug, cell(item), cell(unit), kind, quantity, delta,
                day(best_before), source, cell(recorded_by), _id(corrects), cell(note), reason or "",
                _id(pairs), _id(grams)]

    return header, query, shape


def care_table(site, start, end, zone):
    header = ["care_record", "time", "site", "shift", "ticked", "celsius", "in_range", "note"]
    query = (
        select(CareRecord.id, CareRecord.created_at, CareRecord.shift_id, CareRecord.checklist,
               Reading.celsius, Reading.in_range, CareRecord.note)
        .outerjoin(Reading, Reading.care_record_id == CareRecord.id)
        .where(CareRecord.site_id == site.id, CareRecord.created_at >= start, CareRecord.created_at < end)
        .order_by(CareRecord.created_at, CareRecord.id)
    )
    slug = site.slug

    def shape(row):
        record, created_at, shift, checklist, celsius, in_range, note = row
        return [record, moment(created_at, zone), slug, "" if shift is None else shift,
                cell(" ".join(checklist or [])), _degrees(celsius), yes_no(in_range), cell(note)]

    return header, query, shape


def temperatures_table(site, start, end, zone):
    header = ["reading", "time", "site", "celsius", "fahrenheit", "in_range", "care_record"]
    query = (
        select(Reading.id, Reading.taken_at, Reading.celsius, Reading.in_range, Reading.care_record_id)
        .where(Reading.site_id == site.id, Reading.taken_at >= start, Reading.taken_at < end)
        .order_by(Reading.taken_at, Reading.id)
    )
    slug = site.slug

    def shape(row):
        reading, taken_at, celsius, in_range, care_record = row
        fahrenheit = None if celsius is None else care.to_unit(celsius, "F")
        return [reading, moment(taken_at, zone), slug, _degrees(celsius), _degrees(fahrenheit),
                yes_no(in_range), "" if care_record is None else care_record]

    return header, query, shape


def sign_ups_table(site, start, end, zone):
    """Every shift that starts in the range, one line per sign-up (cancelled ones too), and one
    line with empty person columns for a shift nobody signed up for."""
    header = ["shift", "starts", "ends", "site", "kind", "capacity", "taken", "shift_cancelled", "shift_done",
              "sign_up", "name", "email", "phone", "show_name", "language", "signed_up", "cancelled"]
    query = (
        select(Shift.id, Shift.starts_at, Shift.ends_at, Shift.kind, Shift.capacity, Shift.taken,
               Shift.cancelled_at, Shift.done_at, SignUp.id, SignUp.name, SignUp.email, SignUp.phone,
               SignUp.show_name, SignUp.language, SignUp.created_at, SignUp.cancelled_at)
        .outerjoin(SignUp, SignUp.shift_id == Shift.id)
        .where(Shift.site_id == site.id, Shift.starts_at >= start, Shift.starts_at < end)
        .order_by(Shift.starts_at, Shift.id, SignUp.id)
    )
    slug = site.slug

    def shape(row):
        (shift, starts, ends, kind, capacity, taken, shift_cancelled, done, sign_up, name, email, phone,
         show_name, language, signed_up, cancelled) = row
        return [shift, moment(starts, zone), moment(ends, zone), slug, kind, capacity, taken,
                moment(shift_cancelled, zone), moment(done, zone), "" if sign_up is None else sign_up,
                cell(name), cell(email), cell(phone), yes_no(show_name), cell(language),
                moment(signed_up, zone), moment(cancelled, zone)]

    return header, query, shape


def _id(value):
    return "" if value is None else value


def _degrees(value):
    return "" if value is None else f"{value:.1f}"
