"""Where the marks of Pantry's small charts go, in the units of an SVG viewBox 320 wide.

Plain numbers in, shapes out: no database and no markup (templates/_charts.html draws
them). The site's page and the coordinators' dashboard both draw with it. Days run left
to right, oldest first; a flow chart puts what was added above its axis and what was taken
below it, so the two differ by place (and by fill, see pantry.css), never by colour alone."""
import math
from dataclasses import dataclass

WIDTH = 320
LEFT, RIGHT = 32, 4  # room on the left for the scale's numbers
PLOT = WIDTH - LEFT - RIGHT
HIGH, HALF = 8, 48  # the top of the plot, and the height of each half of a flow chart
BAR = 0.7  # of a day's width
GAP_DAYS = 2  # a temperature line is broken where readings are further apart than this


def _r(value):
    return round(value, 1)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Mark:
    """A day named under the chart: where, how the text is anchored, and which day (0 is the oldest)."""

    x: float
    anchor: str
    day: int


@dataclass(frozen=True)
class Frame:
    """What every day-by-day chart shares: its size, the plot's edges and the days named below it."""

    height: float
    high: float  # y of the plot's top
    low: float  # y of the plot's bottom
    days: int

    width = WIDTH
    left = LEFT
    right = WIDTH - RIGHT

    @property
    def label_y(self):
        return self.low + 16

    @property
    def marks(self):
        """The first day, the middle one and the last (today), below the centre of each."""
        last = self.days - 1
        anchors = {0: "start", last // 2: "middle", last: "end"}
        return tuple(Mark(_r(self.centre(day)), anchor, day) for day, anchor in sorted(anchors.items()))

    def centre(self, day):
        return LEFT + (day + 0.5) * PLOT / self.days

    def day_ticks(self, y):
        """A short tick under each day at `y` (longer under the days named), as one path,
        so a day without bars still shows."""
        named = {mark.day for mark in self.marks}
        return "".join(f"M{_r(self.centre(day))} {y}v{6 if day in named else 3}" for day in range(self.days))


@dataclass(frozen=True)
class FlowChart:
    frame: Frame
    axis: float
    top: int  # the quantity at the top of the scale (and at the bottom, below the axis)
    added: tuple
    taken: tuple


def nice_top(value):
    """A round number at least `value`, for the end of a scale: 7, 15, 40, 60, 150..."""
    if value <= 10:
        return max(int(math.ceil(value)), 1)
    magnitude = 10 ** math.floor(math.log10(value))
    return int(next(magnitude * step for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if magnitude * step >= value))


def flow(added, taken, top=None):
    """Bars for the quantities added (up from the axis) and taken (down from it), one pair a day.
    `top` sets the scale (so several sites can share one); by default it fits these numbers."""
    days = len(added)
    top = top or nice_top(max(added + taken, default=0))
    axis = HIGH + HALF
    frame = Frame(axis + HALF + 20, HIGH, axis + HALF, days)
    width = PLOT / days * BAR

    def bar(day, value, up):
        height = _r(HALF * value / top)
        x = _r(frame.centre(day) - width / 2)
        return Rect(x, _r(axis - height) if up else axis, _r(width), height)

    return FlowChart(
        frame, axis, top,
        tuple(bar(day, value, True) for day, value in enumerate(added) if value),
        tuple(bar(day, value, False) for day, value in enumerate(taken) if value),
    )


@dataclass(frozen=True)
class LineChart:
    frame: Frame
    ticks: tuple  # (y, value) on the scale
    lines: tuple  # "x,y x,y ..." for each run of readings without a long gap
    dots: tuple  # (x, y) of the readings within the limit
    warm: tuple  # (x, y) of the readings that were too warm
    limit_y: float | None


def line(readings, start, end, days, limit=None):
    """A line through `readings` (moment, value, too_warm), placed by time between `start` and
    `end` over `days` days, with the limit's height when there is one."""
    values = [value for _, value, _ in readings] + ([limit] if limit is not None else [])
    low, high, step = _temperature_scale(values)
    frame = Frame(HIGH + 2 * HALF + 20, HIGH, HIGH + 2 * HALF, days)
    span = (end - start).total_seconds()

    def y(value):
        return _r(frame.low - (value - low) / (high - low) * (frame.low - frame.high))

    def x(moment):
        return _r(LEFT + (moment - start).total_seconds() / span * PLOT)

    lines, run, previous = [], [], None
    for moment, value, _ in readings:
        if previous is not None and (moment - previous).total_seconds() > GAP_DAYS * 86400:
            lines.append(run)
            run = []
        run.append(f"{x(moment)},{y(value)}")
        previous = moment
    lines.append(run)
    ticks = tuple((y(low + n * step), low + n * step) for n in range(round((high - low) / step) + 1))
    return LineChart(
        frame, ticks,
        tuple(" ".join(run) for run in lines if len(run) > 1),
        tuple((x(moment), y(value)) for moment, value, warm in readings if not warm),
        tuple((x(moment), y(value)) for moment, value, warm in readings if warm),
        y(limit) if limit is not None else None,
    )


def _temperature_scale(values):
    """The ends of a temperature scale around `values` and its step, at most 5 or so numbers."""
    lowest, highest = min(values), max(values)
    step = next(step for step in (1, 2, 5, 10, 20) if max(highest - lowest, 2) / step <= 3)
    low = math.floor((lowest - step / 2) / step) * step
    high = math.ceil((highest + step / 2) / step) * step
    return low, high, step


def strip(flags):
    """A row of squares, one a day, for days that had something (filled) or nothing (hollow):
    returns (x, filled) for each and the squares' side."""
    cell = WIDTH / len(flags)
    side = _r(cell - 4)
    return tuple((_r(day * cell + 1.5), bool(flag)) for day, flag in enumerate(flags)), side


def shares(*parts, whole=None):
    """Consecutive segments of a bar 100 long, one per (name, amount): (name, x, width), in
    percent of `whole` (by default the sum of the amounts)."""
    whole = whole or sum(amount for _, amount in parts)
    segments, x = [], 0.0
    for name, amount in parts:
        width = _r(100 * amount / whole) if whole else 0.0
        segments.append((name, _r(x), width))
        x += width
    return tuple(segments)
