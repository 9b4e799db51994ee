"""The municipality shapes: every municipality of the portal's list has one and the other way
round, the projection puts places where they are, the simplified borders still meet, and the
shading keeps its order and its contrast."""

import csv
import re
from pathlib import Path

import pytest

from enterprises.models import Municipality
from municipalities import geo

PORTAL_LIST = Path(geo.__file__).resolve().parents[1] / "enterprises/data/municipalities.csv"
# The six names where CBS keeps a suffix the portal leaves out (data/README.md).
SUFFIXED = {
    "GM0164": "Hengelo (O.)",
    "GM0417": "Laren (NH.)",
    "GM0603": "Rijswijk (ZH.)",
    "GM0687": "Middelburg (Z.)",
    "GM0888": "Beek (L.)",
    "GM0971": "Stein (L.)",
}
PATH_DATA = re.compile(r"^(M-?\d+ -?\d+l-?\d+ -?\d+( -?\d+ -?\d+)*z?)+$")


def portal_list() -> dict[str, str]:
    with PORTAL_LIST.open(encoding="utf-8") as handle:
        return {row["cbs_code"]: row["name"] for row in csv.DictReader(handle)}


def test_every_municipality_of_the_portal_has_a_shape_and_every_shape_a_municipality():
    portal = portal_list()
    assert len(portal) == 342
    assert set(portal) - geo.codes() == set(), "municipalities without a shape"
    assert geo.codes() - set(portal) == set(), "shapes of no municipality on the portal's list"


@pytest.mark.django_db
def test_the_database_list_is_the_list_the_shapes_are_checked_against():
    assert set(Municipality.objects.values_list("cbs_code", flat=True)) == geo.codes()


def test_names_differ_only_by_the_cbs_suffix():
    portal = portal_list()
    differing = {
        code: area.name for code, area in geo.geography().areas.items() if area.name != portal[code]
    }
    assert differing == SUFFIXED


def test_the_projection_is_centred_on_amersfoort_with_north_up_and_metres():
    x, y = geo.project(geo.CENTRE_LON, geo.CENTRE_LAT)
    assert abs(x) < 1e-6 and abs(y) < 1e-6
    # Groningen lies north-east of Amersfoort, Maastricht south-east, Den Helder north-west.
    groningen, maastricht, den_helder = (
        geo.project(6.567, 53.219),
        geo.project(5.691, 50.851),
        geo.project(4.759, 52.959),
    )
    assert groningen[0] > 0 and groningen[1] > 0
    assert maastricht[0] > 0 and maastricht[1] < 0
    assert den_helder[0] < 0 and den_helder[1] > 0
    # Groningen's Martinitoren is at RD (233.9 km, 582.2 km), Amersfoort at (155 km, 463 km):
    # 78.9 km east and 119.2 km north, 143 km as the crow flies.
    assert 77_000 < groningen[0] < 81_000
    assert 117_000 < groningen[1] < 121_500


def test_the_country_fits_its_frame_in_proportion():
    frame = geo.Frame(geo.country_bounds(), 600)
    min_x, min_y, max_x, max_y = geo.country_bounds()
    # The Netherlands is about 265 km wide and 310 km high in RD New.
    assert 250_000 < max_x - min_x < 280_000
    assert 295_000 < max_y - min_y < 325_000
    assert 690 < frame.height < 730
    for code in ("GM0363", "GM0014", "GM0935"):
        x, y = frame.label_point(code)
        assert frame.margin <= x <= frame.width - frame.margin
        assert frame.margin <= y <= frame.height - frame.margin
    # Amsterdam is left of and above Maastricht on the page.
    amsterdam, maastricht = frame.label_point("GM0363"), frame.label_point("GM0935")
    assert amsterdam[0] < maastricht[0] and amsterdam[1] < maastricht[1]


def test_every_shape_draws_as_valid_path_data_and_the_country_stays_small():
    frame = geo.Frame(geo.country_bounds(), 600)
    total = 0
    for code in geo.codes():
        d = geo.area_path(code, frame)
        assert PATH_DATA.match(d), (code, d[:80])
        total += len(d)
    # The paths are most of a country map's SVG: well under the 150 KB budget of a page.
    assert total < 60_000


def test_simplification_keeps_the_ends_of_every_arc_so_neighbours_still_meet():
    original = geo.geography().arcs
    for tolerance in (geo.COUNTRY_TOLERANCE_M, geo.PROVINCE_TOLERANCE_M):
        simplified = geo.simplified_arcs(tolerance)
        assert len(simplified) == len(original)
        fewer = 0
        for before, after in zip(original, simplified, strict=True):
            assert after[0] == before[0] and after[-1] == before[-1]
            assert set(after) <= set(before)
            fewer += len(before) - len(after)
        assert fewer > 0


def test_a_shared_border_is_the_same_points_in_both_neighbours():
    # Utrecht (GM0344) and Stichtse Vecht (GM1904) share a border: after projection, rounding and
    # simplification, the points on it are the same in both paths.
    frame = geo.Frame(geo.country_bounds(), 600)

    def points(code):
        absolute = set()
        for move in geo.area_path(code, frame).split("M")[1:]:
            head, _, steps = move.partition("l")
            x, y = map(int, head.split())
            absolute.add((x, y))
            numbers = [int(n) for n in steps.rstrip("z").split()]
            for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
                x, y = x + dx, y + dy
                absolute.add((x, y))
        return absolute

    assert len(points("GM0344") & points("GM1904")) >= 3


def test_a_province_outline_leaves_out_the_borders_inside_it():
    frame = geo.Frame(geo.country_bounds(), 600)
    utrecht_province = sorted(_utrecht())
    outline = geo.outline_path(utrecht_province, frame)
    whole = "".join(geo.area_path(code, frame) for code in utrecht_province)
    assert PATH_DATA.match(outline) and "z" not in outline  # open lines
    # An inner border appears twice in the areas, never in the outline: the outline is much
    # shorter than all the shapes together, yet not empty.
    assert 0 < len(outline) < len(whole) / 2


def _utrecht() -> set[str]:
    with PORTAL_LIST.open(encoding="utf-8") as handle:
        return {row["cbs_code"] for row in csv.DictReader(handle) if row["province"] == "Utrecht"}


def test_every_fill_keeps_3_to_1_contrast_with_the_border_and_darkens_in_order():
    fills = (geo.EMPTY_FILL, *geo.FILLS)
    for fill in fills:
        assert geo.contrast(fill, geo.BORDER) >= 3, fill
    luminances = [geo.relative_luminance(fill) for fill in fills]
    assert luminances == sorted(luminances, reverse=True)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], [(0, 0)]),
        ([0, 0], [(0, 0)]),
        ([1, 1, 1], [(0, 0), (1, None)]),
        ([1, 2], [(0, 0), (1, 1), (2, None)]),
        # Nine positive counts in quarters: limits just below the values at 2/4, 4/4 and 6/4
        # (1, 1, 1, 2 | 3, 5 | 8, 12 | 20): 1-2, 3-7, 8 and up (1 is its own class only if
        # the first quarter's next value were above 2).
        ([0, 0, 1, 1, 1, 2, 3, 5, 8, 12, 20], [(0, 0), (1, 2), (3, 7), (8, None)]),
        # Counts of three and more only (a table that hides smaller ones): the legend starts
        # at three.
        ([3, 4, 4, 4, 8], [(0, 0), (3, 3), (4, None)]),
    ],
)
def test_shade_classes_cover_every_value_once(values, expected):
    classes = geo.shade_classes(values)
    assert [(c.low, c.high) for c in classes] == expected
    for value in [*values, 0, *((1000,) if len(classes) > 1 else ())]:
        assert sum(c.contains(value) for c in classes) == 1
    assert classes[-1].fill == (geo.FILLS[-1] if len(classes) > 1 else geo.EMPTY_FILL)
