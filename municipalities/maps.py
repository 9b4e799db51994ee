"""Maps as data for one template (``templates/includes/_map.html``): the page and the PDF draw
the same SVG from the same ``Map``.

``geo`` knows the shapes; this module decides what a map shows (which municipalities, their
fill, which are links, what the legend says). It knows no request and runs no query: callers
(selectors, views) pass the counts, links and province memberships.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import geo


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    d: str  # SVG path data
    fill: str
    href: str = ""  # a link when not empty
    label: str = ""  # the accessible name and the visible label on hover and focus
    highlighted: bool = False


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


# --- The country, shaded by municipality ------------------------------------------------------


def country_map(
    counts: Mapping[str, int],
    links: Mapping[str, str],
    *,
    names: Mapping[str, str] | None = None,
    width: int = 600,
    title: str | None = None,
) -> Map:
    """Every municipality, shaded by its number of published enterprises (``counts`` by CBS
    code, missing means none); those in ``links`` (CBS code to URL) are links."""
    frame = geo.Frame(geo.country_bounds(), width)
    classes = geo.shade_classes(counts.values())
    plain, linked = [], []
    for code in sorted(geo.codes()):
        count = counts.get(code, 0)
        area = geo.geography().areas[code]
        name = (names or {}).get(code, area.name)
        href = links.get(code, "")
        label = ""
        if href:
            label = ngettext(
                "%(name)s: %(count)s neighbourhood enterprise",
                "%(name)s: %(count)s neighbourhood enterprises",
                count,
            ) % {"name": name, "count": count}
        item = MapArea(
            code=code,
            name=name,
            d=geo.area_path(code, frame),
            fill=geo.shade(count, classes).fill,
            href=href,
            label=label,
        )
        (linked if href else plain).append(item)
    return Map(
        frame=frame,
        title=title
        or _("Map of the Netherlands: published neighbourhood enterprises by municipality"),
        areas=(*plain, *linked),
        legend=tuple(LegendEntry(c.fill, legend_label(c)) for c in classes),
    )


# --- A municipality in its province; the provinces shaded -------------------------------------
# (locator_map and province_map come here)
