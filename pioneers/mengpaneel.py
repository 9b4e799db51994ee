"""The mengpaneel as charts: readings turned into the shared fader desk and step lines of
``lsa_portal.charts``. No queries here: callers pass what the selectors loaded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lsa_portal.charts import Fader, FaderDesk, StepLine, fader_desk, step_line

from .models import Element, Pioneer, Reading, ReadingValue


def _spoken(faders: Sequence[Fader]) -> str:
    return ", ".join(
        f"{fader.label} {fader.position if fader.position is not None else '–'}" for fader in faders
    )


def desk_for(
    elements: Sequence[Element],
    latest: Reading | None,
    previous: Reading | None,
    title: str,
) -> FaderDesk:
    """The full desk of a reading, with where each fader stood in the reading before."""
    now = {v.element_id: v for v in latest.values.all()} if latest else {}
    before = {v.element_id: v for v in previous.values.all()} if previous else {}
    return desk_from_positions(
        elements,
        {pk: (v.position, v.note) for pk, v in now.items()},
        {pk: v.position for pk, v in before.items()},
        title if latest is None else f"{title}, {date_format(latest.taken_on)}",
    )


def desk_from_positions(
    elements: Sequence[Element],
    positions: Mapping[int, tuple[int | None, str]],
    previous: Mapping[int, int],
    title: str,
) -> FaderDesk:
    faders = [
        Fader(
            label=element.name,
            position=positions.get(element.pk, (None, ""))[0],
            previous=previous.get(element.pk),
            note=positions.get(element.pk, (None, ""))[1],
            low=element.low_meaning,
            high=element.high_meaning,
        )
        for element in elements
    ]
    return fader_desk(faders, f"{title}: {_spoken(faders)}.")


def mini_desk(elements: Sequence[Element], positions: Mapping[int, int], name: str) -> FaderDesk:
    """A thumbnail of a pioneer's latest reading for overviews."""
    faders = [Fader(label=e.name, position=positions.get(e.pk)) for e in elements]
    title = _("Mengpaneel of %(name)s") % {"name": name}
    if not positions:
        return fader_desk([], _("%(title)s: no reading yet.") % {"title": title}, mini=True)
    return fader_desk(faders, f"{title}: {_spoken(faders)}.", mini=True)


def _fraction(day: date, start: date, end: date) -> float:
    span = (end - start).days or 1
    return (day - start).days / span


@dataclass(frozen=True)
class Point:
    day: date
    position: int
    note: str


@dataclass(frozen=True)
class ElementHistory:
    """One element's movement over the programme: a step line and its points."""

    element: Element
    points: tuple[Point, ...]
    line: StepLine

    @property
    def first(self) -> Point | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> int | None:
        if len(self.points) < 2:
            return None
        return self.points[-1].position - self.points[0].position


def _history(
    label: str, element: Element, points: list[Point], start: date, end: date, today: date
) -> ElementHistory:
    line = step_line(
        [(_fraction(p.day, start, end), p.position) for p in points],
        _describe(label, points),
        until=_fraction(min(today, end), start, end),
    )
    return ElementHistory(element=element, points=tuple(points), line=line)


def _describe(label: str, points: Sequence[Point]) -> str:
    if not points:
        return _("%(label)s: no readings.") % {"label": label}
    if len(points) == 1:
        return _("%(label)s: %(position)d on %(date)s.") % {
            "label": label,
            "position": points[0].position,
            "date": date_format(points[0].day),
        }
    return _("%(label)s: from %(first)d on %(first_date)s to %(last)d on %(last_date)s.") % {
        "label": label,
        "first": points[0].position,
        "first_date": date_format(points[0].day),
        "last": points[-1].position,
        "last_date": date_format(points[-1].day),
    }


def element_histories(
    elements: Sequence[Element],
    readings: Sequence[Reading],
    start: date,
    end: date,
    today: date,
) -> list[ElementHistory]:
    """For each element, its positions in the readings (oldest first) as a step line."""
    points: dict[int, list[Point]] = {e.pk: [] for e in elements}
    for reading in readings:
        for value in reading.values.all():
            if value.element_id in points:
                points[value.element_id].append(Point(reading.taken_on, value.position, value.note))
    return [
        _history(element.name, element, points[element.pk], start, end, today)
        for element in elements
    ]


@dataclass(frozen=True)
class PioneerMovement:
    pioneer: Pioneer
    history: ElementHistory


def pioneer_movement(
    pioneer: Pioneer,
    element: Element,
    values: Sequence[ReadingValue],
    start: date,
    end: date,
    today: date,
) -> PioneerMovement:
    points = [Point(v.reading.taken_on, v.position, v.note) for v in values]
    name = str(pioneer.enterprise.name)
    return PioneerMovement(
        pioneer=pioneer, history=_history(name, element, points, start, end, today)
    )


def comparison_desk(element: Element, rows: Sequence[PioneerMovement]) -> FaderDesk:
    """One fader per pioneer: where each stands on one element."""
    faders = [
        Fader(
            label=row.pioneer.enterprise.name,
            position=row.history.last.position if row.history.last else None,
            previous=row.history.points[0].position if len(row.history.points) > 1 else None,
        )
        for row in rows
    ]
    title = _("%(element)s for every pioneer") % {"element": element.name}
    return fader_desk(faders, f"{title}: {_spoken(faders)}.", pitch=104.0)
