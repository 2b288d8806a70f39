"""Five years of one city's ledger (bench/city.py): each item at each site restocked and emptied by
takes, cycle after cycle, written as rows in time order for the bulk writer."""
import math
from datetime import date, timedelta

CHUNK = 100_000  # ledger rows written at once
STEPS = 4  # a cycle of one item at one site: a restock, then three takes that empty it
MOVEMENT = ("id", "site_id", "item_id", "kind", "quantity", "delta", "best_before", "source", "recorded_by", "note",
            "idempotency_key", "payload_digest", "created_at")
ALLOCATION = ("id", "movement_id", "batch_id", "delta")
BATCH = ("id", "site_id", "item_id", "quantity", "best_before", "created_at")
STOCK = ("id", "site_id", "item_id", "quantity", "target", "count_looks_off", "last_restocked_at")
DAY = 86_400


class Ledger:
    """The history of every (site, item): cycles of a restock of 4 to 12 and three takes that empty
    it, busier items with more cycles; every item's last cycle ends in the last days, later items
    began later. One pass in time order: each cycle's rows at their global moment, pairs by phase.
    Moments are seconds since the epoch, written as SQLAlchemy writes naive UTC on both databases."""

    def __init__(self, pairs, size, now):
        self.pairs = pairs
        weights = [4 + number % 5 for number in range(len(pairs))]  # milk moves more than soap
        whole = sum(weights)
        spare = size.movements - len(pairs)  # beyond the first restock each pair has
        self.counts = [1 + spare * weight // whole for weight in weights]
        for number in range(size.movements - sum(self.counts)):
            self.counts[number % len(pairs)] += 1
        self.cycles = math.ceil(max(self.counts) / STEPS)
        self.lates = [self.cycles - math.ceil(count / STEPS) for count in self.counts]  # items that began later
        self.end = now.timestamp() - 3600
        self.length = 365 * size.years * DAY / self.cycles  # of one cycle, in seconds
        self.start = self.end - self.length * self.cycles
        self.today = int(now.timestamp()) // DAY
        # Each pair's moment within a step, spread evenly; the pairs in that order, so ids follow time.
        self.phases = [self.length / STEPS * ((number * 7919) % len(pairs)) / len(pairs) for number in range(len(pairs))]
        self.order = sorted(range(len(pairs)), key=self.phases.__getitem__)
        self._days = {}

    def quantity(self, number, cycle):
        restocked = 4 + (number * 31 + cycle * 17) % 9
        third = restocked // 3
        return restocked, (third, third, restocked - 2 * third)

    def moment(self, number, cycle, step):
        return self.start + self.length * cycle + self.length / STEPS * step + self.phases[number]

    def best_before(self, number, cycle, restocked_at):
        if cycle == self.cycles - 1:  # today's stock: some past its date, some soon, some later
            return self.day(self.today + number * 3 % 12 - 2)
        return self.day(int(restocked_at) // DAY + 3 + (number + cycle) % 12)

    def day(self, number):
        found = self._days.get(number)
        if found is None:
            found = self._days[number] = (date(1970, 1, 1) + timedelta(days=number)).isoformat()
        return found

    def stamp(self, seconds):
        whole = int(seconds)
        rest = whole % DAY
        return (f"{self.day(whole // DAY)} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
                f".{int((seconds - whole) * 1e6):06d}")

    def _restocks(self):
        """(pair number, global cycle) of every restock, in time order: the batches' order too."""
        for cycle in range(self.cycles):
            for number in self.order:
                if cycle >= self.lates[number]:
                    yield number, cycle

    def batches(self):
        rows = []
        for batch_id, (number, cycle) in enumerate(self._restocks(), 1):
            site, item = self.pairs[number]
            restocked_at = self.moment(number, cycle, 0)
            rows.append((batch_id, site, item, self._left(number, cycle), self.best_before(number, cycle, restocked_at),
                         self.stamp(restocked_at)))
            if len(rows) == CHUNK:
                yield rows
                rows = []
        yield rows

    def _left(self, number, cycle):
        """What is left of the cycle's batch now: nothing, unless its takes are still to come."""
        done = self.counts[number] - STEPS * (cycle - self.lates[number])
        if done >= STEPS:
            return 0
        restocked, takes = self.quantity(number, cycle)
        return restocked - sum(takes[: done - 1])

    def chunks(self):
        """Movements and their allocations, CHUNK at a time, in time order."""
        movements, allocations, batch = [], [], {}
        batch_id = movement_id = 0
        digest = "0" * 64
        for cycle in range(self.cycles):
            for step in range(STEPS):
                at = self.start + self.length * cycle + self.length / STEPS * step
                for number in self.order:
                    late = self.lates[number]
                    if cycle < late or STEPS * (cycle - late) + step >= self.counts[number]:
                        continue
                    site, item = self.pairs[number]
                    restocked, takes = self.quantity(number, cycle)
                    moment = at + self.phases[number]
                    movement_id += 1
                    if step == 0:
                        batch_id += 1
                        batch[number] = batch_id
                        kind, quantity, delta = "restock", restocked, restocked
                        best_before = self.best_before(number, cycle, moment)
                    else:
                        kind, quantity, delta, best_before = "take", takes[step - 1], -takes[step - 1], None
                    movements.append((movement_id, site, item, kind, quantity, delta, best_before, "scan", "", "",
                                      f"city-{movement_id:09d}", digest, self.stamp(moment)))
                    allocations.append((movement_id, movement_id, batch[number], delta))
                    if len(movements) == CHUNK:
                        yield movements, allocations
                        movements, allocations = [], []
        yield movements, allocations

    def stocks(self):
        last = {}
        for number, cycle in self._restocks():
            last[number] = cycle
        return [(number + 1, site, item, self._left(number, last[number]), 8 + number % 5, False,
                 self.stamp(self.moment(number, last[number], 0))) for number, (site, item) in enumerate(self.pairs)]
