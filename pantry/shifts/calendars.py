"""Shifts as RFC 5545 calendars: one event per sign-up, and a subscribable feed per site.

UIDs are stable per shift, SEQUENCE grows with every change, and a cancelled shift stays
in the feed with STATUS:CANCELLED so subscribed calendars drop it."""
from datetime import UTC
from urllib.parse import urlsplit

from flask_babel import gettext as _

PRODUCT = "-//Pantry//Community fridge shifts//EN"


def sign_up_calendar(place, zone, base_url, manage_url, now):
    calendar = _calendar(_("Shift at %(site)s", site=place.shift.site.name))
    event = shift_event(place.shift, zone, base_url, now)
    event.add("DESCRIPTION", _(
        "Thank you for helping. To cancel your place: %(link)s", link=manage_url))
    if place.cancelled_at is not None:
        event["STATUS"] = "CANCELLED"
    calendar.add_component(event)
    return _finish(calendar)


def site_feed(site, shifts, zone, base_url, now):
    calendar = _calendar(_("Shifts at %(site)s", site=site.name))
    for shift in shifts:
        event = shift_event(shift, zone, base_url, now)
        event.add("DESCRIPTION", _(
            "%(taken)d of %(capacity)d places taken. Sign up: %(link)s",
            taken=shift.taken, capacity=shift.capacity, link=f"{base_url}/shifts/{shift.id}",
        ))
        calendar.add_component(event)
    return _finish(calendar)


def shift_event(shift, zone, base_url, now):
    from icalendar import Event  # on first use, like Calendar below: a worker that sends none does not hold it

    event = Event()
    event.add("UID", f"shift-{shift.id}@{urlsplit(base_url).hostname or 'pantry'}")
    event.add("DTSTAMP", now.astimezone(UTC))
    event.add("LAST-MODIFIED", shift.updated_at.astimezone(UTC))
    event.add("SEQUENCE", shift.sequence)
    event.add("DTSTART", shift.starts_at.astimezone(zone))
    event.add("DTEND", shift.ends_at.astimezone(zone))
    event.add("SUMMARY", _("%(kind)s at %(site)s", kind=shift.kind_label, site=shift.site.name))
    if shift.site.address:
        event.add("LOCATION", shift.site.address)
    event.add("URL", f"{base_url}/shifts/{shift.id}")
    event.add("STATUS", "CANCELLED" if shift.cancelled_at else "CONFIRMED")
    return event


def _calendar(name):
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("PRODID", PRODUCT)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", name)
    return calendar


def _finish(calendar):
    calendar.add_missing_timezones()
    return calendar.to_ical()


