"""Maps as data for one template (``templates/includes/_map.html``): the page and the PDF draw
the same SVG from the same ``Map``.

``geo`` knows the shapes; this module decides what a map shows (which municipalities, their
fill, which are links, what the legend says). It knows no request and runs no query: callers
(selectors, views) pass the counts, links and province memberships.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import geo

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@dataclass(frozen=True)
class TipLine:
    """A line of a ``Tip``: its baseline in the tip and whether it is the name (bold)."""

    text: str
    y: int
    strong: bool = False


@dataclass(frozen=True)
class Tip:
    """The visible label of a linked area, shown on hover and on keyboard focus by CSS alone.

    It is drawn in the area's link but at a fixed place of the map where no shape is (the North
    Sea in the top-left corner of the country), so no later shape can cover it and the order in
    which the areas are drawn does not matter; hidden, it takes no pointer and no space."""

    width: int
    height: int
    lines: tuple[TipLine, ...]
    padding: int


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    d: str  # SVG path data
    fill: str
    href: str = ""  # a link when not empty
    label: str = ""  # the accessible name and the visible label on hover and focus
    highlighted: bool = False
    # Overrides of the areas' common border (a highlighted area's thick one; the inner borders
    # of a province drawn in its fill): presentation attributes, so that the PDF has them too.
    stroke: str = ""
    stroke_width: str = ""
    tip: Tip | None = None  # the visible label of a link (country_map draws one)


@dataclass(frozen=True)
class MapLabel:
    """A text on the map (hidden from screen readers: the map's title, description or caption
    says the same), centred on ``x``, ``y`` in the frame's units, with a light halo."""

    x: int
    y: int
    text: str


@dataclass(frozen=True)
class LegendEntry:
    fill: str
    label: str


@dataclass(frozen=True)
class Map:
    frame: geo.Frame
    title: str  # what the map shows, in a sentence (the SVG's accessible name)
    areas: tuple[MapArea, ...]  # drawn in this order: links last, so their focus ring is on top
    outlines: tuple[str, ...] = ()  # path data of borders drawn over the areas (provinces)
    legend: tuple[LegendEntry, ...] = ()
    attribution: str = geo.ATTRIBUTION
    labels: tuple[MapLabel, ...] = ()
    label_size: int = 12  # the labels' font size in the frame's units
    description: str = ""  # what the map shows in words (the SVG's accessible description)
    caption: str = ""  # a visible sentence under the map, before the attribution
    legend_title: str = ""  # what the legend's classes count

    @property
    def border(self) -> str:
        """The areas' border colour, the one every fill keeps 3:1 contrast with."""
        return geo.BORDER

    @property
    def has_links(self) -> bool:
        """A map with links is a group of links (its SVG must not be role=img, whose children
        assistive technology does not see); without links it is one image."""
        return any(area.href for area in self.areas)

    @property
    def width(self) -> int:
        return self.frame.width

    @property
    def height(self) -> int:
        return self.frame.height

    @property
    def view_box(self) -> str:
        return self.frame.view_box


def legend_label(shade_class: geo.ShadeClass) -> str:
    if shade_class.high is None:
        return _("%(low)s or more") % {"low": shade_class.low}
    if shade_class.low == shade_class.high:
        return str(shade_class.low) if shade_class.low else _("none")
    return _("%(low)s to %(high)s") % {"low": shade_class.low, "high": shade_class.high}


# --- The visible label of a link -------------------------------------------------------------
# Sizes in the units of a map 600 wide (country_map's default), scaled with the map's width;
# the font sizes are the ones portal.css gives .map__label text. The tip stays inside the
# top-left corner that is sea: 224 wide and 118 high at most (tests/municipalities/test_map.py
# checks that no shape reaches into it).
TIP_NAME_SIZE = 18
TIP_TEXT_SIZE = 16
TIP_LINE = 22
TIP_PADDING = 10
TIP_MAX_WIDTH = 224
TIP_MAX_HEIGHT = 118
# portal.css draws the tip this much larger on a phone: then it may reach over the islands,
# but never over the municipality it names (tests/municipalities/test_map.py).
TIP_PHONE_SCALE = 1.2


def text_width(text: str, size: float, *, strong: bool = False) -> float:
    """A generous estimate of the width of ``text`` in a sans-serif font of ``size`` units:
    no script can measure it on the server, and a tip too wide is better than text spilling out
    (at or above the width of DejaVu Sans, the widest of the usual fonts; the browser test
    measures the real text in Chromium)."""
    total = 0.0
    for character in text:
        base = unicodedata.normalize("NFD", character)[:1] or character
        if base in "iljI.,:;'!|() ":
            total += 0.32
        elif base in "frt-":
            total += 0.42
        elif base in "mwMW":
            total += 1.0
        elif base.isupper():
            total += 0.8
        else:
            total += 0.64
    return total * size * (1.12 if strong else 1.0)


def wrap(text: str, size: float, width: float, *, strong: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width``, broken at spaces and after hyphens (a word
    longer than a line keeps its own line)."""
    words: list[str] = []
    for word in text.split():
        parts = word.split("-")
        words.extend(f"{part}-" for part in parts[:-1])
        words.append(parts[-1])
    lines: list[str] = []
    for word in words:
        if lines:
            joined = lines[-1] + ("" if lines[-1].endswith("-") else " ") + word
            if text_width(joined, size, strong=strong) <= width:
                lines[-1] = joined
                continue
        lines.append(word)
    return lines


def tip(name: str, text: str, scale: float = 1.0) -> Tip:
    """The label of a linked area: its name in bold over ``text`` (the count), wrapped to fit
    the corner of sea."""
    padding, line = TIP_PADDING * scale, TIP_LINE * scale
    room = TIP_MAX_WIDTH * scale - 2 * padding
    rows = [(part, True) for part in wrap(name, TIP_NAME_SIZE * scale, room, strong=True)]
    rows += [(part, False) for part in wrap(text, TIP_TEXT_SIZE * scale, room)]
    widest = max(
        text_width(part, (TIP_NAME_SIZE if strong else TIP_TEXT_SIZE) * scale, strong=strong)
        for part, strong in rows
    )
    first = padding + TIP_NAME_SIZE * scale * 0.8  # the first baseline, below the ascenders
    # Each line but the last ends in the space that a reader (and the check that the visible
    # words are in the link's name, WCAG 2.5.3) needs between it and the next, unless the
    # line breaks after a hyphen; at the end of a line it draws nothing.
    lines = tuple(
        TipLine(
            part + ("" if index == len(rows) - 1 or part.endswith("-") else " "),
            round(first + index * line),
            strong,
        )
        for index, (part, strong) in enumerate(rows)
    )
    return Tip(
        width=math.ceil(widest + 2 * padding),
        height=math.ceil(first + (len(rows) - 1) * line + padding),
        lines=lines,
        padding=round(padding),
    )


# --- The country, shaded by municipality ------------------------------------------------------


def enterprises_label(name: str, count: int) -> str:
    """'Utrecht: 12 neighbourhood enterprises': a linked area's accessible name."""
    return _("%(name)s: %(enterprises)s") % {"name": name, "enterprises": count_text(count)}


def count_text(count: int) -> str:
    return ngettext(
        "%(count)s neighbourhood enterprise", "%(count)s neighbourhood enterprises", count
    ) % {"count": count}


def country_map(
    counts: Mapping[str, int],
    links: Mapping[str, str],
    *,
    names: Mapping[str, str] | None = None,
    width: int = 600,
    title: str | None = None,
) -> Map:
    """Every municipality, shaded by its number of published enterprises (``counts`` by CBS
    code, missing means none); those in ``links`` (CBS code to URL) are links, each with the
    accessible name 'Utrecht: 12 neighbourhood enterprises' and the same words as a visible tip.

    The links come last (a shape drawn later covers the edge of one drawn before, so the
    focused link's edge shows best this way) and in the order of ``links``: give them in the
    order of the list beside the map, and the keyboard meets them in that order."""
    frame = geo.Frame(geo.country_bounds(), width)
    shapes = geo.codes()
    # Counts of codes without a shape (no such municipality: a test's invented one) would shift
    # the classes of a legend that shows none of them.
    classes = geo.shade_classes(count for code, count in counts.items() if code in shapes)
    scale = width / 600
    plain: list[MapArea] = []
    linked: list[MapArea] = []
    for code in sorted(shapes):
        count = counts.get(code, 0)
        name = (names or {}).get(code) or geo.geography().areas[code].name
        href = links.get(code, "")
        label = enterprises_label(name, count) if href else ""
        item = MapArea(
            code=code,
            name=name,
            d=geo.area_path(code, frame),
            fill=geo.shade(count, classes).fill,
            href=href,
            label=label,
            tip=tip(name, count_text(count), scale) if href else None,
        )
        (linked if href else plain).append(item)
    order = {code: index for index, code in enumerate(links)}
    linked.sort(key=lambda area: order[area.code])
    return Map(
        frame=frame,
        title=title
        or _("Map of the Netherlands: published neighbourhood enterprises by municipality"),
        areas=(*plain, *linked),
        legend=tuple(LegendEntry(c.fill, legend_label(c)) for c in classes),
        legend_title=_("Published neighbourhood enterprises per municipality"),
    )


# --- A municipality in its province; the provinces shaded -------------------------------------
# (locator_map and province_map come here)

# The province in a light fill, the municipality dark (5:1 against the light fill, WCAG 1.4.11)
# with a thick border and its name on the map: not colour alone.
LOCATOR_FILL = geo.FILLS[0]
HIGHLIGHT_FILL = "#1f6b45"
HIGHLIGHT_STROKE = "#1b2520"


def _label(frame: geo.Frame, point: tuple[int, int], text: str, size: int) -> MapLabel:
    """A label at ``point``, moved inwards where it would run over the frame's edge (its width
    estimated at 0.6 of the font size per character)."""
    x, y = point
    half = math.ceil(0.3 * size * len(text)) + 2
    x = min(max(x, half), frame.width - half) if 2 * half < frame.width else frame.width // 2
    y = min(max(y, size), frame.height - size // 2)
    return MapLabel(x, y, text)


def _name_label(frame: geo.Frame, code: str, text: str, size: int) -> MapLabel:
    """The highlighted municipality's name just above it (below it at the frame's top), so
    that the name does not cover the shape it names."""
    min_x, min_y, max_x, max_y = geo.bounds([code])
    left, top = frame.point(min_x, max_y)
    right, bottom = frame.point(max_x, min_y)
    x = (left + right) // 2
    y = top - round(0.8 * size)
    if y < size:
        y = bottom + round(0.8 * size)
    return _label(frame, (x, y), text, size)


def locator_map(
    code: str,
    province_codes: Iterable[str],
    *,
    names: Mapping[str, str] | None = None,
    width: int = 320,
    province: str = "",
) -> Map:
    """Where the municipality ``code`` lies: the municipalities of its province
    (``province_codes``, the CBS codes of the province named ``province``) in a light fill, the
    municipality dark, with a thick border and its name, and the province's outline on top.
    ``width`` is the frame's longer side: a tall province (Limburg) gets a narrower frame, so
    that the map and its label keep their size wherever it is drawn at most that high."""
    members = (set(province_codes) | {code}) & geo.codes()
    frame = geo.Frame(geo.bounds(members), width)
    if frame.height > width:
        frame = geo.Frame(frame.bounds, max(width // 4, width * width // frame.height))
    tolerance = geo.PROVINCE_TOLERANCE_M
    name = (names or {}).get(code, geo.geography().areas[code].name)
    others = [
        MapArea(
            code=other,
            name=(names or {}).get(other, geo.geography().areas[other].name),
            d=geo.area_path(other, frame, tolerance),
            fill=LOCATOR_FILL,
        )
        for other in sorted(members - {code})
    ]
    highlighted = MapArea(
        code=code,
        name=name,
        d=geo.area_path(code, frame, tolerance),
        fill=HIGHLIGHT_FILL,
        highlighted=True,
        stroke=HIGHLIGHT_STROKE,
        stroke_width="2",
    )
    words = {"name": name, "province": province}
    size = max(10, round(width / 24))  # in the frame's units: 13 at the page's 320
    return Map(
        frame=frame,
        title=_("Location of %(name)s in the province of %(province)s") % words,
        # Drawn last, so that no neighbour covers half of its thick border.
        areas=(*others, highlighted),
        outlines=(geo.outline_path(members, frame, tolerance),),
        labels=(_name_label(frame, code, name, size),),
        label_size=size,
        caption=_("%(name)s (dark, with a thick border) in the province of %(province)s.") % words,
    )


# The monitor's provinces: every municipality in its province's fill, the borders inside a
# province in that fill too (so the province reads as one shape), the provinces' borders on top.
def province_map(
    counts_by_province: Mapping[str, int],
    members_by_province: Mapping[str, Iterable[str]],
    *,
    labels: Mapping[str, _StrOrPromise],
    width: int = 480,
    title: str | None = None,
) -> Map:
    """The provinces (``labels``: key to name, in the table's order) shaded by their count in
    ``counts_by_province``; a province missing from it is not in the table (too few
    enterprises) and is drawn as 'not shown', never as a number the table does not give."""
    members = {key: sorted(set(members_by_province.get(key, ())) & geo.codes()) for key in labels}
    drawn = [code for codes in members.values() for code in codes]
    frame = geo.Frame(geo.bounds(drawn) if drawn else geo.country_bounds(), width)
    classes = geo.shade_classes(counts_by_province.values())
    areas, outlines, texts, described = [], [], [], []
    size = max(12, round(width / 26))  # 18 at 480: still 13 px on a phone
    for key, province in labels.items():
        if not members[key]:
            continue
        count = counts_by_province.get(key)
        if count is None:
            fill = geo.EMPTY_FILL
            label = _("%(province)s: not shown") % {"province": province}
        else:
            fill = geo.shade(count, classes).fill
            label = ngettext(
                "%(province)s: %(count)s enterprise",
                "%(province)s: %(count)s enterprises",
                count,
            ) % {"province": province, "count": count}
            texts.append(_label(frame, _province_anchor(members[key], frame), str(count), size))
        described.append(label)
        for code in members[key]:
            areas.append(
                MapArea(
                    code=code,
                    name=geo.geography().areas[code].name,
                    d=geo.area_path(code, frame),
                    fill=fill,
                    label=label,
                    stroke=fill,
                )
            )
        outlines.append(geo.outline_path(members[key], frame))
    # Only the classes a province is in: the table shows no group below its minimum, so a
    # class such as '1 to 2' would describe nothing on this map.
    used = {geo.shade(count, classes) for count in counts_by_province.values()}
    legend = [LegendEntry(c.fill, legend_label(c)) for c in classes if c in used]
    if len(counts_by_province) < len(described):
        legend.insert(0, LegendEntry(geo.EMPTY_FILL, _("not shown")))
    return Map(
        frame=frame,
        title=title or _("Map of the Netherlands: enterprises by province"),
        areas=tuple(areas),
        outlines=tuple(outlines),
        legend=tuple(legend),
        labels=tuple(texts),
        label_size=size,
        description="; ".join(described) + ".",
    )


def _province_anchor(codes: Iterable[str], frame: geo.Frame) -> tuple[int, int]:
    """Where a province's number goes: the label point of its member nearest to the middle of
    the province's bounding box (the middle itself may lie in the sea: Zeeland, Noord-Holland)."""
    codes = list(codes)
    min_x, min_y, max_x, max_y = geo.bounds(codes)
    mid_x, mid_y = frame.point((min_x + max_x) / 2, (min_y + max_y) / 2)
    return min(
        (frame.label_point(code) for code in codes),
        key=lambda point: (point[0] - mid_x) ** 2 + (point[1] - mid_y) ** 2,
    )
