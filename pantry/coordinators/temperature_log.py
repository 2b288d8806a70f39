"""The inspector's temperature log of a site for a month, as a PDF: coordinators only."""
from datetime import timedelta

from flask import current_app, request
from flask_babel import format_date, format_datetime, gettext as _, ngettext
from flask_login import login_required

from pantry.care.degrees import temperature
from pantry.care.log import length_words, temperature_log
from pantry.clock import deployment_zone, local_today
from pantry.coordinators.blueprint import bp, site_or_404
from pantry.database import utcnow
from pantry.extensions import db
from pantry.impact import printing, ranges
from pantry.tags.posters import UnknownPaper


@bp.get("/sites/<slug>/temperature-log.pdf")
@login_required
def temperature_log_pdf(slug):
    site = site_or_404(slug)
    paper = request.args.get("paper", "a4")
    if paper not in printing.PAPERS:
        raise UnknownPaper()
    today = local_today()
    within = ranges.asked({"month": request.args.get("month") or today.strftime("%Y-%m")}, today, 31)
    zone = deployment_zone()
    days = [within.first + timedelta(days=number) for number in range(within.days)]
    log = temperature_log(db.session, site.id, *within.bounds(), days, zone)
    response = current_app.response_class(printing.pdf(_lines(site, within, log), paper), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="temperatures-{site.slug}-{within.first:%Y-%m}.pdf"'
    return response


def _lines(site, within, log):
    limit = current_app.config["TEMPERATURE_LIMITS"].get(site.kind)
    lines = [("title", _("Temperature log: %(site)s", site=site.name)),
             ("text", f"{format_date(within.first, 'MMMM y')} · {site.address or site.kind_label}"),
             ("text", _("Limit: %(limit)s or colder", limit=temperature(limit)) if limit is not None
              else _("No temperature limit: a pantry shelf."))]
    lines.append(("heading", ngettext("%(num)d reading", "%(num)d readings", len(log.readings))))
    for reading in log.readings:
        verdict = _("in range") if reading.in_range else _("too warm")
        lines.append(("text", f"{format_datetime(reading.taken_at, 'd MMM y, HH:mm')} · {temperature(reading)} · {verdict}"))
    lines.append(("heading", ngettext("%(num)d excursion", "%(num)d excursions", len(log.excursions))))
    for done in log.excursions:
        lines += _excursion(done, temperature)
    lines.append(("heading", ngettext("%(num)d day without a reading", "%(num)d days without a reading",
                                      len(log.days_without))))
    lines.append(("text", ", ".join(format_date(day, "d MMM") for day in log.days_without) or _("None.")))
    return lines


def _excursion(done, temperature):
    excursion, minutes = done.excursion, length_words(done.excursion, utcnow())
    started = format_datetime(excursion.started_at, "d MMM y, HH:mm")
    if minutes is None:
        said = _("From %(start)s, not back in range yet; warmest %(warmest)s", start=started,
                 warmest=temperature(excursion.warmest))
    else:
        said = _("From %(start)s for %(hours)d h %(minutes)02d min; warmest %(warmest)s", start=started,
                 hours=minutes // 60, minutes=minutes % 60, warmest=temperature(excursion.warmest))
    if not excursion.length_known:
        said += " · " + _("length unknown: no reading in the hours before")
    lines = [("text", said)]
    if excursion.flags:
        lines.append(("small", ngettext("%(num)d batch of food kept cold put in question",
                                        "%(num)d batches of food kept cold put in question", len(excursion.flags))))
    for movement in done.removed:
        lines.append(("small", _("Removed as warm: %(count)d %(item)s, %(when)s", count=-movement.delta,
                                 item=movement.item.name, when=format_datetime(movement.created_at, "d MMM, HH:mm"))))
    for flag in done.cleared:
        lines.append(("small", _("Flag cleared by %(who)s, %(when)s: %(reason)s", who=flag.cleared_by or "-",
                                 when=format_datetime(flag.cleared_at, "d MMM, HH:mm"), reason=flag.clear_reason)))
    return lines
