"""The ledger's rules, called directly with the session and `now`, in random order with random
and hostile arguments, against a model kept here: batches per best-before date, what each
movement moved, and whether the count looks off.

After every step: a refused call raised the rule's own typed error (a Refusal) and wrote
nothing; an accepted one did what the model says; a replayed key answered with the first
movement; the books balance (pantry.stock.audit) and nothing is below zero."""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from pantry.refusals import Refusal
from pantry.sites.models import Site
from pantry.stock import ledger
from pantry.stock.errors import (
    AlreadyCorrected,
    BadDate,
    BadEntry,
    BadKey,
    BadQuantity,
    CannotCorrect,
    IdempotencyConflict,
    UndoExpired,
    UnknownBatch,
    UnknownItem,
    UnknownMovement,
    UnknownSite,
)
from pantry.stock.models import Batch, Item, Stock
from tests.conftest import NOW
from tests.properties.conftest import (
    PROPERTIES,
    assert_books_balance,
    examples,
    row_counts,
)

WINDOW = timedelta(minutes=5)
DATES = [date(2026, 11, 18), date(2026, 11, 25), date(2027, 3, 1)]
HUGE = [2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30, -(2**63), -(10**30)]
WRONG_TYPES = [None, True, False, 2.0, 1.5, "3", b"3", Decimal(2), [1], float("inf"), float("nan")]

quantities = st.one_of(
    st.integers(-2, 9), st.integers(-(10**6), 10**6), st.sampled_from(HUGE), st.sampled_from(WRONG_TYPES),
)
best_befores = st.one_of(
    st.none(), st.sampled_from(DATES), st.dates(),
    st.sampled_from([datetime(2026, 11, 25, 12, 0), "2026-11-25", 20261125]),
)
fresh_keys = st.builds(lambda: uuid.uuid4().hex)
odd_keys = st.one_of(
    st.text(max_size=70), st.sampled_from(["", "short", "x" * 65, "a" * 64 + "\n", "key\x00key\x00", None, 12345678]),
)
odd_ids = st.one_of(st.integers(-3, 0), st.sampled_from(HUGE), st.sampled_from(WRONG_TYPES))


@dataclass
class Recorded:
    """What the model remembers of one accepted movement."""

    item: int
    kind: str
    at: datetime
    moved: list  # [(best_before, delta)], in the order the rule moved the batches
    corrected: bool = False


@dataclass
class Sent:
    """One accepted call, to be replayed: how to call it again, its digest, the movement it made."""

    call: object
    digest: str
    movement_id: int


@dataclass
class Model:
    batches: dict = field(default_factory=dict)  # item -> {best_before: quantity}
    looks_off: dict = field(default_factory=dict)  # item -> bool
    movements: dict = field(default_factory=dict)  # id -> Recorded
    keys: dict = field(default_factory=dict)  # key -> Sent

    def stock(self, item):
        return sum(self.batches[item].values())

    def earliest_first(self, item):
        return sorted(self.batches[item], key=lambda day: (day is None, day or date.min))

    def move(self, item, day, delta):
        self.batches[item][day] = self.batches[item].get(day, 0) + delta
        assert self.batches[item][day] >= 0
        return day, delta

    def take(self, item, wanted):
        moved = []
        for day in self.earliest_first(item):
            if wanted == 0:
                break
            portion = min(self.batches[item][day], wanted)
            if portion:
                moved.append(self.move(item, day, -portion))
                wanted -= portion
        return moved


class LedgerMachine(RuleBasedStateMachine):
    """One fridge and two items of its own per run, so runs never see each other's stock.
    `session` is set by machine_for, on a subclass made for the test's session."""

    session = None

    def __init__(self):
        super().__init__()
        tag = uuid.uuid4().hex[:10]
        site = Site(name=f"Fridge {tag}", slug=f"fridge-{tag}")
        items = [Item(name=f"Beans {tag}", category="canned"), Item(name=f"Milk {tag}", category="dairy")]
        elsewhere = Site(name=f"Shelf {tag}", slug=f"shelf-{tag}")
        self.session.add_all([site, elsewhere, *items])
        self.session.commit()
        self.site, self.elsewhere, self.items = site.id, elsewhere.id, [item.id for item in items]
        # A batch at another site, which no discard here may name.
        ledger.restock(self.session, elsewhere.id, items[0].id, 1, uuid.uuid4().hex, NOW)
        self.session.commit()
        self.foreign_batch = self.session.scalar(select(Batch.id).where(Batch.site_id == elsewhere.id))
        self.now = NOW
        self.model = Model(
            batches={item: {} for item in self.items}, looks_off={item: False for item in self.items},
        )

    # What the rule should do with a call, in the order the rule checks.

    def predict(self, entry, undo=False):
        """An exception class, or ("replay", movement id), or "apply"."""
        checked = self.check(entry)
        if checked:
            return checked
        model = self.model
        if entry.kind == "correction":
            original = model.movements.get(entry.corrects_id)
            if original is None:
                return UnknownMovement
            sent = model.keys.get(entry.key)
            if undo and self.now - original.at > WINDOW and not (sent and sent.digest == entry.digest()):
                return UndoExpired if sent is None else IdempotencyConflict
        else:
            if entry.site_id != self.site:
                return UnknownSite
            if entry.item_id not in self.items:
                return UnknownItem
        sent = model.keys.get(entry.key)
        if sent is not None:
            return ("replay", sent.movement_id) if sent.digest == entry.digest() else IdempotencyConflict
        if entry.kind == "correction":
            if original.kind == "correction":
                return CannotCorrect
            if original.corrected:
                return AlreadyCorrected
        if entry.kind == "discard" and entry.batch_id is not None \
                and self.batch_key(entry.item_id, entry.batch_id) is NO_BATCH:
            return UnknownBatch
        return "apply"

    @staticmethod
    def check(entry):
        if not isinstance(entry.key, str) or not ledger.KEY_RE.fullmatch(entry.key):
            return BadKey
        for name in ("site_id", "item_id", "batch_id", "corrects_id"):
            value = getattr(entry, name)
            if value is not None and type(value) is not int:
                return BadEntry
        if entry.kind == "correction":
            return BadEntry if entry.corrects_id is None else None
        least = 0 if entry.kind == "count" else 1
        if type(entry.quantity) is not int:
            return BadEntry
        if not least <= entry.quantity <= ledger.LARGEST_QUANTITY:
            return BadQuantity
        if entry.best_before is not None and entry.kind != "restock":
            return BadDate
        if entry.best_before is not None and type(entry.best_before) is not date:
            return BadEntry
        return None

    def batch_key(self, item, batch_id):
        """The model's key of the site's batch of `item` with this id: its best-before day, None for
        a batch without one (a count that found more makes one); NO_BATCH when there is no such batch."""
        batch = self.session.get(Batch, batch_id) if 0 < batch_id <= ledger.LARGEST_ID else None
        if batch is None or (batch.site_id, batch.item_id) != (self.site, item):
            return NO_BATCH
        return batch.best_before

    def apply(self, entry):
        """What the model expects an accepted entry to move, and to the count-looks-off flag."""
        model, item = self.model, entry.item_id
        if entry.kind == "correction":
            original = model.movements[entry.corrects_id]
            item, moved = original.item, []
            for day, delta in original.moved:
                amount = max(-delta, -model.batches[item][day])
                if amount:
                    moved.append(model.move(item, day, amount))
            original.corrected = True
            if sum(d for _, d in moved) != -sum(d for _, d in original.moved):
                model.looks_off[item] = True
        elif entry.kind == "restock":
            moved = [model.move(item, entry.best_before, entry.quantity)]
        elif entry.kind == "take" or (entry.kind == "discard" and entry.batch_id is None):
            moved = model.take(item, entry.quantity)
            if -sum(d for _, d in moved) < entry.quantity:
                model.looks_off[item] = True
        elif entry.kind == "discard":
            day = self.batch_key(item, entry.batch_id)
            removed = min(model.batches[item].get(day, 0), entry.quantity)
            moved = [model.move(item, day, -removed)] if removed else []
            if removed < entry.quantity:
                model.looks_off[item] = True
        else:  # count
            difference = entry.quantity - model.stock(item)
            moved = model.take(item, -difference) if difference < 0 else (
                [model.move(item, None, difference)] if difference else [])
            model.looks_off[item] = False
        return item, moved

    def send(self, entry, call, undo=False):
        """Call the rule; check the answer and what was written against the prediction."""
        expected = self.predict(entry, undo)
        before = row_counts(self.session)
        try:
            movement = call()
        except Refusal as refusal:
            self.session.rollback()
            assert type(refusal) is expected, (refusal, expected, entry)
            assert row_counts(self.session) == before, f"{type(refusal).__name__} wrote something"
            return
        movement_id = movement.id
        self.session.commit()
        assert not isinstance(expected, type), (expected, "was not raised for", entry)
        if expected != "apply":
            assert movement_id == expected[1], "a replayed key answered with another movement"
            assert row_counts(self.session) == before, "a replayed key wrote something"
            return
        item, moved = self.apply(entry)
        self.model.movements[movement_id] = Recorded(item, entry.kind, self.now, moved)
        self.model.keys[entry.key] = Sent(call, entry.digest(), movement_id)

    # The calls.

    an_item = st.one_of(st.sampled_from([0, 1]).map(lambda i: ("real", i)), odd_ids.map(lambda v: ("odd", v)))

    def item_id(self, chosen):
        kind, value = chosen
        return self.items[value] if kind == "real" else value

    @rule(item=an_item, quantity=quantities, best_before=best_befores, key=st.one_of(fresh_keys, odd_keys))
    def restock(self, item, quantity, best_before, key):
        item, now = self.item_id(item), self.now
        entry = ledger.Entry("restock", key, self.site, item, quantity, best_before=best_before)
        self.send(entry, lambda: ledger.restock(self.session, self.site, item, quantity, key, now,
                                                best_before=best_before))

    @rule(item=an_item, quantity=quantities, key=st.one_of(fresh_keys, odd_keys), kind=st.sampled_from(
        ["take", "discard", "count"]))
    def take_discard_or_count(self, item, quantity, key, kind):
        item, now, rule_ = self.item_id(item), self.now, getattr(ledger, kind)
        entry = ledger.Entry(kind, key, self.site, item, quantity)
        self.send(entry, lambda: rule_(self.session, self.site, item, quantity, key, now))

    @rule(item=an_item, quantity=quantities, key=fresh_keys, data=st.data())
    def discard_a_batch(self, item, quantity, key, data):
        item, now = self.item_id(item), self.now
        # Drawn from the model's batches (what is drawn must not hang on the database's ids).
        days = [(owner, day) for owner in (0, 1) for day in self.model.earliest_first(self.items[owner])]
        chosen = data.draw(st.one_of(st.sampled_from(days + [("foreign", None)]), odd_ids), label="batch")
        batch = self.batch_id(chosen) if isinstance(chosen, tuple) else chosen
        entry = ledger.Entry("discard", key, self.site, item, quantity, batch_id=batch)
        self.send(entry, lambda: ledger.discard(self.session, self.site, item, quantity, key, now, batch_id=batch))

    def batch_id(self, chosen):
        owner, day = chosen
        if owner == "foreign":
            return self.foreign_batch
        query = select(Batch.id).where(Batch.site_id == self.site, Batch.item_id == self.items[owner])
        return self.session.scalar(query.where(Batch.best_before.is_(None) if day is None else Batch.best_before == day))

    @rule(site=st.one_of(st.just(None), odd_ids, st.just("gone")), key=fresh_keys)
    def at_no_such_site(self, site, key):
        site = self.elsewhere + 100_000 if site == "gone" else site
        item, now = self.items[0], self.now
        entry = ledger.Entry("take", key, site, item, 1)
        self.send(entry, lambda: ledger.take(self.session, site, item, 1, key, now))

    def movement_id(self, data):
        known = sorted(self.model.movements)
        choices = st.sampled_from(known) if known else st.nothing()
        return data.draw(st.one_of(choices, choices, odd_ids, st.just(max(known, default=0) + 1000)),
                         label="movement")

    @rule(data=st.data(), key=st.one_of(fresh_keys, odd_keys), undo=st.booleans())
    def correct_or_undo(self, data, key, undo):
        movement, now = self.movement_id(data), self.now
        entry = ledger.Entry("correction", key, corrects_id=movement)
        if undo:
            self.send(entry, lambda: ledger.undo(self.session, movement, key, now, WINDOW), undo=True)
        else:
            self.send(entry, lambda: ledger.correct(self.session, movement, key, now))

    @precondition(lambda self: self.model.keys)
    @rule(data=st.data())
    def replay(self, data):
        """The same call again, later: it answers with the first movement and writes nothing."""
        sent = self.model.keys[data.draw(st.sampled_from(sorted(self.model.keys)), label="key")]
        before = row_counts(self.session)
        movement = sent.call()
        assert movement.id == sent.movement_id
        self.session.commit()
        assert row_counts(self.session) == before

    @precondition(lambda self: self.model.keys)
    @rule(data=st.data(), item=st.sampled_from([0, 1]), quantity=st.integers(1, 9))
    def reuse_a_key(self, data, item, quantity):
        """A key already used, with a payload that may or may not be the first one's."""
        key, item, now = data.draw(st.sampled_from(sorted(self.model.keys)), label="key"), self.items[item], self.now
        entry = ledger.Entry("take", key, self.site, item, quantity)
        self.send(entry, lambda: ledger.take(self.session, self.site, item, quantity, key, now))

    @rule(minutes=st.sampled_from([0, 1, 4, 6, 60 * 24]))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    @invariant()
    def books_match_the_model(self):
        assert_books_balance(self.session)
        for item in self.items:
            stock = self.session.scalar(select(Stock).where(Stock.site_id == self.site, Stock.item_id == item))
            expected = {day: n for day, n in self.model.batches[item].items() if n}
            if stock is None:
                assert not expected
                continue
            assert stock.quantity == self.model.stock(item) >= 0
            assert stock.count_looks_off == self.model.looks_off[item]
            rows = self.session.execute(select(Batch.best_before, Batch.quantity).where(
                Batch.site_id == self.site, Batch.item_id == item, Batch.quantity != 0)).all()
            assert dict(rows) == expected
            assert len(rows) == len(expected), "two live batches with one best-before date"


NO_BATCH = object()  # batch_key: the site has no such batch of the item


def machine_for(session):
    return type("LedgerMachine", (LedgerMachine,), {"session": session})


def test_the_ledger_keeps_its_books_whatever_it_is_asked(session):
    machine = machine_for(session)
    run_state_machine_as_test(machine, settings=settings(PROPERTIES, max_examples=examples(50), stateful_step_count=25))


def test_a_batch_without_a_date_may_be_discarded_from(session):
    """Found by the machine: a count that finds more makes a batch with no best-before date, and a
    discard from it is taken; the model had read that batch's date, None, as no batch at all."""
    machine = machine_for(session)()
    machine.take_discard_or_count(item=("real", 1), key=uuid.uuid4().hex, kind="count", quantity=1)
    batch = machine.batch_id((1, None))
    entry = ledger.Entry("discard", uuid.uuid4().hex, machine.site, machine.items[1], 1, batch_id=batch)
    assert machine.predict(entry) == "apply"
    machine.send(entry, lambda: ledger.discard(session, machine.site, machine.items[1], 1, entry.key, machine.now,
                                               batch_id=batch))
    machine.books_match_the_model()
