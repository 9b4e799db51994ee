"""The monitor's map by province: the numbers of its table by province (the same enterprises,
the same year), shaded; a province the table leaves out is 'not shown' on the map too."""

import re

import pytest

from enterprises.models import Municipality
from monitor import selectors, services
from municipalities import geo
from tests.factories import EnterpriseFactory, StaffFactory, YearFiguresFactory

pytestmark = pytest.mark.django_db

YEAR = 2025


def _report(cbs_code: str, number: int) -> None:
    municipality = Municipality.objects.get(cbs_code=cbs_code)
    for _ in range(number):
        YearFiguresFactory(enterprise=EnterpriseFactory(municipality=municipality), year=YEAR)


def _areas(province_map, province: str) -> list:
    codes = set(Municipality.objects.filter(province=province).values_list("cbs_code", flat=True))
    return [area for area in province_map.areas if area.code in codes]


def _table_counts(html: str) -> dict[str, str]:
    table = html.split('id="province-caption"')[1].split("</table>")[0]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', table))


def test_the_map_shows_the_counts_of_the_province_table(client):
    # Four enterprises in Utrecht (Utrecht, Zeist), three in Gelderland (Arnhem), and one
    # without figures over the year, which neither counts.
    _report("GM0344", 3)
    _report("GM0355", 1)
    _report("GM0202", 3)
    EnterpriseFactory(municipality=Municipality.objects.get(cbs_code="GM0202"))

    province_map = selectors.province_map(selectors.monitor(YEAR))
    # The classes of the counts 3 and 4 (geo.shade_classes): none, 3, 4 and more (the legend
    # starts at the smallest count), two classes spread over the scale: the lightest and the
    # darkest fill.
    utrecht, gelderland = _areas(province_map, "utrecht"), _areas(province_map, "gelderland")
    assert len(utrecht) == 26 and len(gelderland) == 51
    assert {area.fill for area in utrecht} == {geo.FILLS[3]}
    assert {area.fill for area in gelderland} == {geo.FILLS[0]}
    assert {area.label for area in utrecht} == {"Utrecht: 4 ondernemingen"}
    assert {area.label for area in gelderland} == {"Gelderland: 3 ondernemingen"}
    # Inside a province the borders take its fill: the province reads as one shape.
    assert all(area.stroke == area.fill for area in province_map.areas)
    assert len(province_map.outlines) == 12
    assert sorted(label.text for label in province_map.labels) == ["3", "4"]
    assert [entry.label for entry in province_map.legend] == [
        "niet getoond",
        "3",
        "4 of meer",
    ]
    limburg = _areas(province_map, "limburg")
    assert {area.label for area in limburg} == {"Limburg: niet getoond"}
    assert {area.fill for area in limburg} == {geo.EMPTY_FILL}

    html = client.get(f"/monitor/{YEAR}/").content.decode()
    assert _table_counts(html) == {"Gelderland": "3", "Utrecht": "4"}
    assert '<title id="province-map-title">' in html
    description = html.split('<desc id="province-map-desc">')[1].split("</desc>")[0]
    assert "Utrecht: 4 ondernemingen" in description
    assert "Gelderland: 3 ondernemingen" in description
    assert "Bron: CBS, Kadaster" in html


def test_a_province_the_table_leaves_out_is_not_shown_on_the_map(client):
    # Limburg's one enterprise is left out (fewer than three), and then Gelderland's three
    # too: the total minus Utrecht would give Limburg's figures away otherwise.
    _report("GM0344", 4)
    _report("GM0202", 3)
    _report("GM0935", 1)

    province_map = selectors.province_map(selectors.monitor(YEAR))
    for province in ("gelderland", "limburg"):
        assert {area.fill for area in _areas(province_map, province)} == {geo.EMPTY_FILL}
    assert {area.label for area in _areas(province_map, "gelderland")} == {
        "Gelderland: niet getoond"
    }
    assert [label.text for label in province_map.labels] == ["4"]
    html = client.get(f"/monitor/{YEAR}/").content.decode()
    assert _table_counts(html) == {"Utrecht": "4"}
    description = html.split('<desc id="province-map-desc">')[1].split("</desc>")[0]
    assert "Gelderland: 3" not in description and "Limburg: 1" not in description


def test_a_fixed_edition_draws_its_own_counts():
    _report("GM0344", 3)
    assert selectors.province_map(selectors.monitor(YEAR)).labels[0].text == "3"
    services.fix_edition(YEAR, by=StaffFactory())
    _report("GM0344", 1)  # after the edition: not in the fixed figures
    fixed = selectors.monitor(YEAR)
    assert {area.label for area in _areas(selectors.province_map(fixed), "utrecht")} == {
        "Utrecht: 3 ondernemingen"
    }
