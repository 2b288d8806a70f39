"""Each coordinator action on the network, as its area's rule plus the journal line that tells of
it, in one transaction: a view calls one of these, never the bare rule. `who` is the coordinator
acting. A rule that answered a replay (the same idempotency key again) changed nothing, so it
gets no second line."""
from sqlalchemy import select

from pantry import journal
from pantry.care import excursions
from pantry.shifts import planning
from pantry.sites import rules as site_rules
from pantry.stock import items as item_rules, ledger
from pantry.stock.models import Item, Stock
from pantry.tags import rules as tag_rules

SITE_FIELDS = ("name", "address", "kind", "state", "hours", "notes")
ITEM_FIELDS = ("name", "category", "unit", "keep_cold", "typical_grams")
PATTERN_FIELDS = ("kind", "weekdays", "starts_at", "ends_at", "capacity", "first_day", "last_day")
SHIFT_FIELDS = ("kind", "starts_at", "ends_at", "capacity")


def create_site(session, who, now, **details):
    site = site_rules.create_site(session, now, **details)
    journal.record(session, who, "site.added", site.name, {}, journal.snapshot(site, *SITE_FIELDS), now, site=site)
    return site


def update_site(session, who, site, now, **details):
    before = journal.snapshot(site, *SITE_FIELDS)
    site_rules.update_site(session, site, now, **details)
    journal.record_change(session, who, "site.changed", site.name, before,
                          journal.snapshot(site, *SITE_FIELDS), now, site=site)
    return site


def create_item(session, who, now, **details):
    item = item_rules.create_item(session, now, **details)
    journal.record(session, who, "item.added", item.name, {}, journal.snapshot(item, *ITEM_FIELDS), now)
    return item


def update_item(session, who, item, now, **details):
    before = journal.snapshot(item, *ITEM_FIELDS)
    item_rules.update_item(session, item, now, **details)
    journal.record_change(session, who, "item.changed", item.name, before, journal.snapshot(item, *ITEM_FIELDS), now)
    return item


def set_targets(session, who, site, wanted, now):
    before = _targets(session, site, wanted)
    changed = item_rules.set_targets(session, site.id, wanted, now)
    if changed:
        names = dict(session.execute(select(Item.id, Item.name).where(Item.id.in_(changed))).all())
        journal.record(session, who, "target.changed", site.name,
                       {names[item_id]: before.get(item_id) for item_id in changed},
                       {names[item_id]: wanted[item_id] for item_id in changed}, now, site=site)
    return changed


def issue_tag(session, who, site, purpose, now, item=None):
    tag = tag_rules.issue_tag(session, site, purpose, now, item=item)
    journal.record(session, who, "label.made", tag.code, {}, _label(tag), now, site=site)
    return tag


def revoke_tag(session, who, tag, now):
    if tag.revoked_at is None:
        tag_rules.revoke_tag(session, tag, now)
        journal.record(session, who, "label.revoked", tag.code, _label(tag), {"revoked": True}, now, site=tag.site)
    return tag


def replace_tag(session, who, tag, now):
    new = tag_rules.replace_tag(session, tag, now)
    journal.record(session, who, "label.replaced", tag.code, _label(tag), _label(new) | {"code": new.code}, now,
                   site=tag.site)
    return new


def correct(session, who, movement_id, key, now, **extra):
    correction = ledger.correct(session, movement_id, key, now, **extra)
    if journal.changed(session):
        journal.record(session, who, "ledger.corrected", f"#{movement_id} {correction.item.name}",
                       {"entry": movement_id}, {"delta": correction.delta, "note": correction.note or ""}, now,
                       site=correction.site_id)
    return correction


def count(session, who, site, item, counted, key, now, **extra):
    before = session.scalar(select(Stock.quantity).where(Stock.site_id == site.id, Stock.item_id == item.id))
    movement = ledger.count(session, site.id, item.id, counted, key, now, **extra)
    if journal.changed(session):
        journal.record(session, who, "ledger.counted", item.name, {"quantity": before},
                       {"quantity": movement.quantity}, now, site=site)
    return movement


def transfer(session, who, site, to_site_id, item_id, quantity, key, now, **extra):
    moved = ledger.transfer(session, site.id, to_site_id, item_id, quantity, key, now, **extra)
    if journal.changed(session):
        journal.record(session, who, "ledger.transferred", moved.out.item.name, {},
                       {"quantity": -moved.out.delta, "to": moved.into.site.name,
                        "entries": [moved.out.id, moved.into.id]}, now, site=site)
    return moved


def clear_flag(session, who, site, batch_id, reason, key, now, cleared_by=""):
    flag = excursions.clear(session, site.id, batch_id, reason, key, now, cleared_by)
    if journal.changed(session):
        journal.record(session, who, "food.flag_cleared", flag.batch.item.name, {"in_question": True},
                       {"in_question": False, "reason": flag.clear_reason}, now, site=site)
    return flag


def save_pattern(session, who, site, now, zone, pattern=None, **fields):
    before = journal.snapshot(pattern, *PATTERN_FIELDS) if pattern is not None else {}
    plan = planning.save_pattern(session, site, now, zone, pattern=pattern, **fields)
    after = journal.snapshot(plan.pattern, *PATTERN_FIELDS)
    if pattern is None:
        journal.record(session, who, "shift.pattern_added", site.name, {}, after, now, site=site)
    else:
        journal.record_change(session, who, "shift.pattern_changed", site.name, before, after, now, site=site)
    return plan


def end_pattern(session, who, pattern, last_day, now, zone, weeks):
    before = journal.snapshot(pattern, "last_day")
    plan = planning.end_pattern(session, pattern, last_day, now, zone, weeks=weeks)
    journal.record_change(session, who, "shift.pattern_ended", pattern.site.name, before,
                          journal.snapshot(pattern, "last_day"), now, site=pattern.site)
    return plan


def add_shift(session, who, site, kind, day, starts_at, ends_at, capacity, now, zone):
    shift = planning.add_shift(session, site, kind, day, starts_at, ends_at, capacity, now, zone)
    journal.record(session, who, "shift.added", site.name, {}, journal.snapshot(shift, *SHIFT_FIELDS), now, site=site)
    return shift


def cancel_shift(session, who, shift, now):
    was = shift.cancelled_at
    told = planning.cancel_shift(session, shift, now)
    if was is None:
        journal.record(session, who, "shift.cancelled", shift.site.name, journal.snapshot(shift, *SHIFT_FIELDS),
                       {"cancelled": True, "people_told": len(told)}, now, site=shift.site)
    return told


def _targets(session, site, wanted):
    query = select(Stock.item_id, Stock.target).where(Stock.site_id == site.id, Stock.item_id.in_(list(wanted)))
    return dict(session.execute(query).all())


def _label(tag):
    return {"purpose": tag.purpose, "item": tag.item.name if tag.item else None}

