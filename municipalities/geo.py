"""The map of the Netherlands: municipality shapes, projected and simplified once, as SVG paths.

Knows no database: callers pass CBS codes (and which codes form a province), this module answers
with geometry. The shapes are the CBS's generalised municipality boundaries of 2026
(``data/gemeenten-2026.topojson``, see ``data/README.md``); every map made from them shows
``ATTRIBUTION``.

- **Projection:** Lambert azimuthal equal-area, centred on Amersfoort (the origin of the Dutch
  RD New grid), in metres with north up. Areas keep their proportions (a choropleth compares
  areas), and within the country the shapes differ from RD New by less than a pixel.
- **Simplification:** Douglas-Peucker on each *arc* of the topology, not on each shape: two
  neighbours share the same arc, so their common border stays one line (no gaps or slivers).
- **Output:** SVG path data in a ``Frame`` (a viewBox of a given width around given bounds),
  whole units, relative moves. Shared borders round to the same points on both sides because
  each absolute point is rounded before the differences are taken.

Everything is computed once per process and tolerance (``functools.cache``); a path for a frame
is cached too, and pages cache the SVG they render from it.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "gemeenten-2026.topojson"
OBJECT_NAME = "gemeente_2026"
# What CBS asks for, on every map made from its boundaries (data/README.md).
ATTRIBUTION = "Bron: CBS, Kadaster"

# The projection's centre: Amersfoort, the origin of RD New (EPSG:28992).
CENTRE_LON = 5.38720621
CENTRE_LAT = 52.15517440
EARTH_RADIUS_M = 6_371_008.8

# Douglas-Peucker tolerances in metres: the whole country on a page (about 600 px wide, so a
# pixel is about 500 m) and one province (a pixel is about 150 m).
COUNTRY_TOLERANCE_M = 300.0
PROVINCE_TOLERANCE_M = 120.0

Point = tuple[float, float]
Bounds = tuple[float, float, float, float]  # min x, min y, max x, max y, in projected metres


@dataclass(frozen=True)
class Area:
    """One municipality: its CBS code, official name and rings as references into the arcs
    (``i`` is arc i forwards, ``~i`` arc i backwards, as in TopoJSON)."""

    code: str
    name: str
    rings: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Geography:
    arcs: tuple[tuple[Point, ...], ...]  # projected, not simplified
    areas: dict[str, Area]


def project(lon: float, lat: float) -> Point:
    """Longitude and latitude (degrees, WGS84) to metres east and north of Amersfoort."""
    phi, lam = math.radians(lat), math.radians(lon)
    phi0, lam0 = math.radians(CENTRE_LAT), math.radians(CENTRE_LON)
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam - lam0)
    k = math.sqrt(2 / (1 + cos_c))
    x = EARTH_RADIUS_M * k * math.cos(phi) * math.sin(lam - lam0)
    y = (
        EARTH_RADIUS_M
        * k
        * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam - lam0))
    )
    return x, y


@cache
def geography() -> Geography:
    """The topology read and projected: once per process (about 60 ms)."""
    topology = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for quantised in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in quantised:  # delta-encoded
            x += dx
            y += dy
            points.append(project(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(tuple(points))
    areas = {}
    for geometry in topology["objects"][OBJECT_NAME]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:  # pragma: no cover - the file holds polygons only (tests/municipalities/test_geo.py)
            raise ValueError(f"unexpected geometry {geometry['type']}")
        rings = tuple(tuple(ring) for polygon in polygons for ring in polygon)
        code = geometry["id"]
        areas[code] = Area(code=code, name=geometry["properties"]["statnaam"], rings=rings)
    return Geography(arcs=tuple(arcs), areas=areas)


def codes() -> frozenset[str]:
    """The CBS code of every municipality with a shape."""
    return frozenset(geography().areas)


def _simplify(points: Sequence[Point], tolerance: float) -> tuple[Point, ...]:
    """Douglas-Peucker, iterative; the end points always stay (they join other arcs)."""
    if len(points) <= 2:
        return tuple(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, distance = -1, tolerance
        for index in range(first + 1, last):
            px, py = points[index]
            if length == 0:  # a closed arc: distance to its start
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / length
            if d > distance:
                farthest, distance = index, d
        if farthest >= 0:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    simplified = [point for point, kept in zip(points, keep, strict=True) if kept]
    if simplified[0] == simplified[-1] and len(simplified) < 4:
        # A small closed ring (an island) keeps enough points to stay a shape.
        step = max(1, (len(points) - 1) // 3)
        simplified = [points[0], points[step], points[2 * step], points[-1]]
    return tuple(simplified)


@cache
def simplified_arcs(tolerance: float) -> tuple[tuple[Point, ...], ...]:
    return tuple(_simplify(arc, tolerance) for arc in geography().arcs)


def _ring_points(ring: Iterable[int], arcs: Sequence[Sequence[Point]]) -> list[Point]:
    points: list[Point] = []
    for reference in ring:
        arc = arcs[reference] if reference >= 0 else arcs[~reference][::-1]
        points.extend(arc if not points else arc[1:])  # the joint is in both arcs
    return points


def bounds(area_codes: Iterable[str]) -> Bounds:
    """The projected bounding box of the given municipalities (unsimplified)."""
    geo = geography()
    xs: list[float] = []
    ys: list[float] = []
    for code in area_codes:
        for ring in geo.areas[code].rings:
            for x, y in _ring_points(ring, geo.arcs):
                xs.append(x)
                ys.append(y)
    if not xs:
        raise ValueError("no municipalities given")
    return min(xs), min(ys), max(xs), max(ys)


@cache
def country_bounds() -> Bounds:
    return bounds(codes())


@dataclass(frozen=True)
class Frame:
    """Projected metres into an SVG viewBox ``width`` units wide (y downwards), with a margin
    in units on every side. Height follows from the bounds' proportions."""

    bounds: Bounds
    width: int
    margin: int = 4

    @property
    def scale(self) -> float:
        min_x, _, max_x, _ = self.bounds
        return (self.width - 2 * self.margin) / (max_x - min_x)

    @property
    def height(self) -> int:
        _, min_y, _, max_y = self.bounds
        return math.ceil((max_y - min_y) * self.scale) + 2 * self.margin

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    def point(self, x: float, y: float) -> tuple[int, int]:
        min_x, _, _, max_y = self.bounds
        return (
            round((x - min_x) * self.scale) + self.margin,
            round((max_y - y) * self.scale) + self.margin,
        )

    def label_point(self, code: str) -> tuple[int, int]:
        """Where a label or marker for the municipality goes: the middle of its largest ring's
        bounding box (inside the shape for the compact shapes municipalities have)."""
        geo = geography()
        largest: list[Point] = []
        for ring in geo.areas[code].rings:
            points = _ring_points(ring, geo.arcs)
            if len(points) > len(largest):
                largest = points
        xs = [x for x, _ in largest]
        ys = [y for _, y in largest]
        return self.point((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def _path(lines: Iterable[Sequence[Point]], frame: Frame, *, close: bool) -> str:
    """SVG path data: each line as an absolute move, then relative steps in whole units."""
    parts = []
    for line in lines:
        rounded = [frame.point(x, y) for x, y in line]
        steps = []
        previous = rounded[0]
        for point in rounded[1:]:
            if point != previous:
                steps.append(f"{point[0] - previous[0]} {point[1] - previous[1]}")
                previous = point
        if len(steps) < (2 if close else 1):
            continue  # smaller than a unit at this scale: not drawn (an empty "l" would end
            # the whole path: SVG stops drawing at the first error)
        start = f"M{rounded[0][0]} {rounded[0][1]}"
        parts.append(start + "l" + " ".join(steps) + ("z" if close else ""))
    return "".join(parts)


@cache
def area_path(code: str, frame: Frame, tolerance: float = COUNTRY_TOLERANCE_M) -> str:
    """The municipality's shape as SVG path data (all its rings; holes are drawn with the
    even-odd or non-zero rule alike, as their winding is opposite)."""
    arcs = simplified_arcs(tolerance)
    rings = geography().areas[code].rings
    return _path((_ring_points(ring, arcs) for ring in rings), frame, close=True)


def outline_path(
    area_codes: Iterable[str], frame: Frame, tolerance: float = COUNTRY_TOLERANCE_M
) -> str:
    """The outer border of a group of municipalities (a province, the country): the arcs that
    only one member of the group uses, as open lines. Borders inside the group are left out."""
    geo = geography()
    uses: Counter[int] = Counter()
    for code in area_codes:
        for ring in geo.areas[code].rings:
            uses.update(reference if reference >= 0 else ~reference for reference in ring)
    arcs = simplified_arcs(tolerance)
    return _path((arcs[index] for index in sorted(uses) if uses[index] == 1), frame, close=False)


# --- Shading ---------------------------------------------------------------------------------
# A sequential scale of one hue: lighter is fewer, darker is more, so the order survives every
# kind of colour blindness and a grey-scale print. Every fill keeps a contrast of at least 3:1
# with the border drawn around it (WCAG 1.4.11; tests/municipalities/test_geo.py checks it).
BORDER = "#33403a"
EMPTY_FILL = "#f7f8f7"  # no enterprise
FILLS = ("#d3ebdc", "#9fd1b2", "#68b28a", "#3f9a6c")


@dataclass(frozen=True)
class ShadeClass:
    """A legend entry: values from ``low`` to ``high`` (None: and up) share ``fill``."""

    low: int
    high: int | None
    fill: str

    def contains(self, value: int) -> bool:
        return value >= self.low and (self.high is None or value <= self.high)


def shade_classes(values: Iterable[int]) -> tuple[ShadeClass, ...]:
    """The legend for a set of counts: zero on its own, the positive values in up to four
    classes of about equal size (quantiles), with whole-number limits that never overlap. The
    first class starts at the smallest positive value, so the legend never names counts that
    cannot occur (a table that hides counts below three starts its legend at three)."""
    positive = sorted(value for value in values if value > 0)
    classes = [ShadeClass(0, 0, EMPTY_FILL)]
    if not positive:
        return tuple(classes)
    limits: list[int] = []
    for step in range(1, len(FILLS)):
        limit = positive[min(len(positive) - 1, step * len(positive) // len(FILLS))] - 1
        if limit >= (limits[-1] + 1 if limits else positive[0]) and limit < positive[-1]:
            limits.append(limit)
    # Fewer classes than fills: spread over the scale, the top class always the darkest.
    count = len(limits) + 1
    fills = [FILLS[round(index * (len(FILLS) - 1) / max(1, count - 1))] for index in range(count)]
    if count == 1:
        fills = [FILLS[-1]]
    low = positive[0]
    for limit, fill in zip(limits, fills, strict=False):
        classes.append(ShadeClass(low, limit, fill))
        low = limit + 1
    classes.append(ShadeClass(low, None, fills[-1]))
    return tuple(classes)


def shade(value: int, classes: Sequence[ShadeClass]) -> ShadeClass:
    for shade_class in classes:
        if shade_class.contains(value):
            return shade_class
    raise ValueError(f"{value} is in no class")


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a #rrggbb colour."""
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
