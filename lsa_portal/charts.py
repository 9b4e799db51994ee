"""Server-rendered SVG charts: the same data serves the page and the PDF, readable without
JavaScript, always with a text alternative. Knows no app: callers pass labels and numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Eight colours that stay apart for common colour-vision deficiencies (Okabe-Ito based, darkened
# where white text or a white gap must show). The legend and the table carry the same
# information, so colour is never the only cue.
PALETTE = ("#1d5c47", "#2f8fbf", "#7a4fa0", "#a8420c", "#d9a400", "#5f6b65", "#c2577f", "#0f7d74")


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: int
    percentage: int
    colour: str
    x: float = 0.0
    width: float = 0.0


@dataclass(frozen=True)
class StackedBar:
    """A horizontal bar of 100 units wide, split into segments (zero segments left out)."""

    segments: tuple[Segment, ...]
    total: int
    description: str

    @property
    def is_empty(self) -> bool:
        return self.total <= 0


def stacked_bar(
    parts: Sequence[tuple[str, str, int]], percentages: dict[str, int], description: str
) -> StackedBar:
    """Lay out ``parts`` (key, label, value) with their whole ``percentages`` (summing to 100)."""
    segments, x = [], 0.0
    for index, (key, label, value) in enumerate(parts):
        percentage = percentages.get(key, 0)
        colour = PALETTE[index % len(PALETTE)]
        segment = Segment(key, label, value, percentage, colour, x=x, width=float(percentage))
        segments.append(segment)
        x += percentage
    total = sum(value for _, _, value in parts)
    return StackedBar(segments=tuple(segments), total=total, description=description)


# --- Fader desk (the mengpaneel) and small step lines ---------------------------------------
# The geometry is computed here once, in Python, so the templates only print numbers: cheap to
# render, the same on the page and in a PDF.


def wrap_label(text: str, width: int = 12, lines: int = 3) -> tuple[str, ...]:
    """Split a label into at most ``lines`` lines of about ``width`` characters (SVG text does
    not wrap by itself); a word longer than the width gets a line of its own."""
    words, result, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and len(candidate) > width:
            result.append(current)
            current = word
        else:
            current = candidate
    if current:
        result.append(current)
    if len(result) > lines:
        result = [*result[: lines - 1], " ".join(result[lines - 1 :])]
    return tuple(result)


KNOB_HALF_WIDTH = 16.0
KNOB_HALF_HEIGHT = 8.0
LABEL_LINE_HEIGHT = 15.0


@dataclass(frozen=True)
class Fader:
    """One vertical fader: its label, position (0–100, None when not set) and where it was."""

    label: str
    position: int | None
    previous: int | None = None
    note: str = ""
    low: str = ""
    high: str = ""
    x: float = 0.0
    knob_y: float = 0.0
    previous_y: float = 0.0
    label_lines: tuple[str, ...] = ()
    label_top: float = 0.0
    label_size: float = 12.5

    @property
    def moved(self) -> int | None:
        if self.position is None or self.previous is None:
            return None
        return self.position - self.previous

    @property
    def moved_text(self) -> str:
        """'+10', '−5' (a real minus sign) or '' when it did not move or nothing to compare."""
        if self.moved is None:
            return ""
        if self.moved == 0:
            return "0"
        return f"+{self.moved}" if self.moved > 0 else f"\u2212{-self.moved}"

    # Coordinates the templates print as they are (no arithmetic in templates).
    @property
    def left(self) -> float:
        return round(self.x - KNOB_HALF_WIDTH, 1)

    @property
    def knob_top(self) -> float:
        return round(self.knob_y - KNOB_HALF_HEIGHT, 1)

    @property
    def previous_top(self) -> float:
        return round(self.previous_y - KNOB_HALF_HEIGHT, 1)

    @property
    def slot_left(self) -> float:
        return round(self.x - 3, 1)

    @property
    def grip_left(self) -> float:
        return round(self.x - KNOB_HALF_WIDTH + 5, 1)

    @property
    def grip_right(self) -> float:
        return round(self.x + KNOB_HALF_WIDTH - 5, 1)

    @property
    def moved_x(self) -> float:
        return round(self.x + KNOB_HALF_WIDTH + 3, 1)

    @property
    def moved_y(self) -> float:
        return round(self.knob_y + 4, 1)

    @property
    def label_rows(self) -> tuple[tuple[str, float], ...]:
        return tuple(
            (line, round(self.label_top + LABEL_LINE_HEIGHT * index, 1))
            for index, line in enumerate(self.label_lines)
        )

    @property
    def mini_slot_left(self) -> float:
        return round(self.x - 1, 1)

    @property
    def mini_left(self) -> float:
        return round(self.x - 4, 1)

    @property
    def mini_top(self) -> float:
        return round(self.knob_y - 2.5, 1)


@dataclass(frozen=True)
class FaderDesk:
    """A row of vertical faders laid out in SVG user units."""

    faders: tuple[Fader, ...]
    width: float
    height: float
    track_top: float
    track_bottom: float
    pitch: float
    ticks: tuple[tuple[int, float, float], ...]  # value, y, y of its label
    description: str
    show_labels: bool = True

    @property
    def is_empty(self) -> bool:
        return not self.faders

    @property
    def track_height(self) -> float:
        return self.track_bottom - self.track_top


def _position_y(position: int | None, top: float, bottom: float) -> float:
    if position is None:
        return bottom
    return round(bottom - (bottom - top) * max(0, min(100, position)) / 100, 1)


def _label_size(lines: tuple[str, ...], pitch: float) -> float:
    """A font size at which the longest line fits its fader's width (a long single word such
    as 'Ondernemerschap' gets a slightly smaller size rather than touching its neighbour)."""
    longest = max((len(line) for line in lines), default=0)
    if not longest:
        return 12.5
    return min(12.5, round(pitch * 0.92 / (longest * 0.58), 1))


def fader_desk(
    faders: Sequence[Fader], description: str, *, mini: bool = False, pitch: float | None = None
) -> FaderDesk:
    """Lay out ``faders`` side by side: full size with labels and values, or ``mini`` (a thumbnail
    without text, for overviews). Positions are clamped to 0–100."""
    if mini:
        pitch, top, bottom, label_room = pitch or 12.0, 4.0, 52.0, 0.0
    else:
        pitch, top, bottom, label_room = pitch or 96.0, 30.0, 250.0, 56.0
    labels = [() if mini else wrap_label(fader.label, width=int(pitch // 7)) for fader in faders]
    laid_out = tuple(
        Fader(
            label=fader.label,
            position=fader.position,
            previous=fader.previous,
            note=fader.note,
            low=fader.low,
            high=fader.high,
            x=round(pitch * index + pitch / 2, 1),
            knob_y=_position_y(fader.position, top, bottom),
            previous_y=_position_y(fader.previous, top, bottom),
            label_lines=labels[index],
            label_top=bottom + 24.0,
            label_size=_label_size(labels[index], pitch),
        )
        for index, fader in enumerate(faders)
    )
    ticks = tuple(
        (value, _position_y(value, top, bottom), _position_y(value, top, bottom) - 3)
        for value in (0, 50, 100)
    )
    return FaderDesk(
        faders=laid_out,
        width=max(pitch * len(laid_out), pitch),
        height=bottom + (4.0 if mini else 14.0) + label_room,
        track_top=top,
        track_bottom=bottom,
        pitch=pitch,
        ticks=ticks,
        description=description,
        show_labels=not mini,
    )


@dataclass(frozen=True)
class StepLine:
    """A small step chart of values (0–100) over a time span: an SVG path and its dots."""

    path: str
    dots: tuple[tuple[float, float, int], ...]
    width: float
    height: float
    description: str

    @property
    def is_empty(self) -> bool:
        return not self.dots

    @property
    def middle(self) -> float:
        return self.height / 2


def step_line(
    points: Sequence[tuple[float, int]],
    description: str,
    *,
    width: float = 240.0,
    height: float = 60.0,
    until: float | None = None,
) -> StepLine:
    """``points`` are (x as a fraction 0–1 of the span, value 0–100), in order of x. The value
    holds until the next point (a fader stays where it was put until it is moved), and the last
    one until ``until`` (a fraction, e.g. today), if given."""
    pad = 4.0
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    dots = tuple(
        (
            round(pad + inner_w * max(0.0, min(1.0, fraction)), 1),
            round(pad + inner_h * (1 - max(0, min(100, value)) / 100), 1),
            value,
        )
        for fraction, value in points
    )
    commands = []
    for index, (x, y, _value) in enumerate(dots):
        if index == 0:
            commands.append(f"M{x} {y}")
        else:
            commands.append(f"H{x} V{y}")
    if dots and until is not None:
        end = round(pad + inner_w * max(0.0, min(1.0, until)), 1)
        if end > dots[-1][0]:
            commands.append(f"H{end}")
    return StepLine(
        path=" ".join(commands), dots=dots, width=width, height=height, description=description
    )


# --- Line charts over the years -------------------------------------------------------------


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    label: str  # the x label (a year)
    value_text: str  # the value as shown, for the point's title
    open: bool = False  # drawn hollow: a value that may still change (provisional)


@dataclass(frozen=True)
class LineChart:
    """A line over evenly spaced points (years), in SVG user units, with a y axis from zero
    to a round maximum. The templates print the numbers as they are."""

    points: tuple[LinePoint, ...]
    path: str
    width: float
    height: float
    left: float
    bottom: float
    ticks: tuple[tuple[float, str], ...]  # y, label
    title: str
    description: str

    @property
    def is_empty(self) -> bool:
        return not self.points

    @property
    def right(self) -> float:
        return self.width - 22.0


def _round_maximum(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def line_chart(
    values: Sequence[tuple[str, float | None] | tuple[str, float | None, bool]],
    *,
    title: str,
    description: str,
    formatter=str,
    width: float = 320.0,
    height: float = 170.0,
) -> LineChart:
    """Lay out ``values`` (x label, value or None for a gap, and optionally whether the point is
    open: provisional) as a line from left to right. ``formatter`` turns a value (and the
    axis' ticks) into text."""
    # Room on the right for half of the last year's label, which is centred on its point.
    left, top, right_pad, bottom_pad = 56.0, 12.0, 22.0, 26.0
    bottom = height - bottom_pad
    known = [value[1] for value in values if value[1] is not None]
    maximum = _round_maximum(max(known, default=0))
    inner_w = width - left - right_pad
    step = inner_w / max(len(values) - 1, 1)
    points = []
    for index, (label, value, *rest) in enumerate(values):
        if value is None:
            continue
        x = round(left + (step * index if len(values) > 1 else inner_w / 2), 1)
        y = round(bottom - (bottom - top) * value / maximum, 1)
        points.append(LinePoint(x, y, label, formatter(value), open=bool(rest and rest[0])))
    path = " ".join(
        f"{'M' if index == 0 else 'L'}{point.x} {point.y}" for index, point in enumerate(points)
    )
    ticks = tuple(
        (round(bottom - (bottom - top) * fraction, 1), formatter(maximum * fraction))
        for fraction in (0, 0.5, 1)
    )
    return LineChart(
        points=tuple(points),
        path=path,
        width=width,
        height=height,
        left=left,
        bottom=bottom,
        ticks=ticks,
        title=title,
        description=description,
    )
