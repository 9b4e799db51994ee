"""The country map on the list of municipalities and the home page: each municipality shaded by
its number of published enterprises (the list's count), a link with a spoken and a visible label
for each that has any, from a cache that a publication or an archiving brings up to date; small
enough for a page, and no query per municipality.

Hand-worked figures: Utrecht has 2 published enterprises (and 1 submitted, which does not
count), Amersfoort 1. The positive counts are [1, 2]: geo.shade_classes gives the classes 0
(none), 1 and '2 or more', the last the darkest fill and 1 the lightest."""

import re
from html import unescape

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enterprises.models import EnterpriseStatus, MembershipRole, Municipality
from municipalities import geo, maps
from tests.factories import EnterpriseFactory, MembershipFactory, StaffFactory, UserFactory

URL = "/gemeenten/"
LINK = re.compile(r'<a href="([^"]+)" aria-label="([^"]+)"><path d="[^"]+" fill="(#[0-9a-f]{6})"/>')
DARKEST, LIGHTEST = geo.FILLS[-1], geo.FILLS[0]


def _links(html: str) -> dict[str, tuple[str, str]]:
    """The map's links: accessible name -> (href, fill)."""
    svg = html.split('<svg class="map__svg"')[1].split("</svg>")[0]
    return {label: (href, fill) for href, label, fill in LINK.findall(svg)}


def _page(client, path=URL, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def utrecht_and_amersfoort(db):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    amersfoort = Municipality.objects.get(cbs_code="GM0307")
    EnterpriseFactory.create_batch(2, municipality=utrecht)
    EnterpriseFactory(municipality=utrecht, status=EnterpriseStatus.SUBMITTED, published_at=None)
    EnterpriseFactory(municipality=amersfoort)
    return utrecht, amersfoort


def test_each_municipality_with_enterprises_is_a_link_named_and_shaded_by_its_count(
    client, utrecht_and_amersfoort
):
    links = _links(_page(client))
    assert links == {
        "Amersfoort: 1 wijkonderneming": ("/gemeenten/amersfoort/", LIGHTEST),
        "Utrecht: 2 wijkondernemingen": ("/gemeenten/utrecht/", DARKEST),
    }


def test_a_municipality_without_enterprises_is_drawn_in_the_empty_shade_without_a_link(
    client, utrecht_and_amersfoort
):
    html = _page(client)
    zwolle = geo.area_path("GM0193", geo.Frame(geo.country_bounds(), 600))
    assert f'<path d="{zwolle}" fill="{geo.EMPTY_FILL}"/>' in html
    assert "/gemeenten/zwolle/" not in html
    # Every municipality has a shape on the map, the two with enterprises as links.
    assert html.count("<path d=") == len(geo.codes())


def test_the_legend_names_the_classes_and_the_tip_the_count(client, utrecht_and_amersfoort):
    html = _page(client)
    legend = re.findall(r'fill="(#[0-9a-f]{6})" stroke="#33403a"/></svg>([^<]+)</li>', html)
    assert legend == [(geo.EMPTY_FILL, "geen"), (LIGHTEST, "1"), (DARKEST, "2 of meer")]
    assert "Gepubliceerde wijkondernemingen per gemeente" in html
    tip = html.split('aria-label="Utrecht: 2 wijkondernemingen">')[1].split("</a>")[0]
    assert re.findall(r"<text [^>]*>([^<]+)</text>", tip) == ["Utrecht ", "2 wijkondernemingen"]
    assert 'class="map__label" aria-hidden="true"' in tip


def test_the_map_speaks_english_in_english(client, utrecht_and_amersfoort):
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    links = _links(_page(client))
    assert set(links) == {
        "Amersfoort: 1 neighbourhood enterprise",
        "Utrecht: 2 neighbourhood enterprises",
    }


def test_a_search_filters_the_list_but_the_map_shows_the_country(client, utrecht_and_amersfoort):
    html = _page(client, q="amersf")
    assert len(_links(html)) == 2
    assert "De kaart toont het hele land: uw zoekopdracht filtert alleen de lijst." in html
    assert re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html) == ["Amersfoort"]
    assert "De kaart toont het hele land" not in _page(client)


@pytest.mark.django_db
def test_publishing_and_archiving_change_the_cached_map(client):
    town = Municipality.objects.get(cbs_code="GM0200")  # Apeldoorn
    owner = UserFactory()
    enterprise = EnterpriseFactory(
        municipality=town, status=EnterpriseStatus.SUBMITTED, published_at=None
    )
    MembershipFactory(enterprise=enterprise, user=owner, role=MembershipRole.OWNER)
    assert _links(_page(client)) == {}  # the empty map is cached now
    staff = Client()
    staff.force_login(StaffFactory())
    response = staff.post(
        reverse("enterprises:review", kwargs={"slug": enterprise.slug}), {"decision": "publish"}
    )
    assert response.status_code == 302
    assert _links(_page(client)) == {
        "Apeldoorn: 1 wijkonderneming": ("/gemeenten/apeldoorn/", geo.FILLS[-1])
    }
    assert "Apeldoorn (1)" in _page(client, "/")  # the home page's small map too
    member = Client()
    member.force_login(owner)
    member.post(reverse("enterprises:archive", kwargs={"slug": enterprise.slug}))
    assert _links(_page(client)) == {}
    assert "Apeldoorn (1)" not in _page(client, "/")


@pytest.mark.django_db
def test_the_page_asks_no_more_queries_for_more_municipalities(client, django_assert_num_queries):
    def cold_queries() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            _page(client)
        return len(queries)

    EnterpriseFactory(municipality=Municipality.objects.get(cbs_code="GM0344"))
    few = cold_queries()
    for code in ("GM0307", "GM0363", "GM0014", "GM0935", "GM0193"):
        EnterpriseFactory.create_batch(2, municipality=Municipality.objects.get(cbs_code=code))
    assert cold_queries() == few
    with django_assert_num_queries(0):  # warm: the list and the map come from the cache
        _page(client)


@pytest.mark.django_db
def test_the_home_page_shows_the_small_map_as_one_image_with_a_text(client):
    EnterpriseFactory.create_batch(3, municipality=Municipality.objects.get(cbs_code="GM0344"))
    EnterpriseFactory(municipality=Municipality.objects.get(cbs_code="GM0307"))
    html = _page(client, "/")
    svg = html.split('<svg class="map__svg"')[1].split("</svg>")[0]
    assert 'width="320"' in svg and 'role="img"' in svg and "<a " not in svg
    assert 'aria-labelledby="small-map-title"' in svg
    assert (
        '<title id="small-map-title">Kaart van Nederland, gekleurd naar het aantal gepubliceerde '
        "wijkondernemingen: 2 gemeenten hebben ze, de meeste Utrecht (3).</title>"
    ) in svg
    assert f'href="{URL}"' in html


def _all_linked(language: str) -> str:
    """The country map as the page renders it with every municipality a link (the most it can
    hold), with counts of two digits and the real slugs."""
    rows = Municipality.objects.values_list("cbs_code", "name", "slug")
    with translation.override(language):
        country = maps.country_map(
            {code: 10 + index % 90 for index, (code, _, _) in enumerate(rows)},
            {code: f"/gemeenten/{slug}/" for code, _, slug in rows},
            names={code: name for code, name, _ in rows},
        )
        return render_to_string("includes/_map.html", {"map": country})


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_country_map_stays_under_150_kb_with_every_municipality_linked(language):
    html = _all_linked(language)
    assert len(_links(html)) == 342
    assert len(html.encode()) <= 150_000


@pytest.mark.django_db
def test_the_links_come_in_the_order_of_the_list(client):
    for code in ("GM0344", "GM0307", "GM0518", "GM0014"):  # 's-Gravenhage: where the list has it
        EnterpriseFactory(municipality=Municipality.objects.get(cbs_code=code))
    html = _page(client)
    on_map = [unescape(label).split(":")[0] for label in _links(html)]
    in_list = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)
    assert on_map == [unescape(name) for name in in_list]
    assert sorted(on_map) == ["'s-Gravenhage", "Amersfoort", "Groningen", "Utrecht"]


# --- The tip stays in the sea; the focus shows against every shade ----------------------------


def test_every_tip_fits_the_corner_where_no_shape_is():
    frame = geo.Frame(geo.country_bounds(), 600)
    for arc in geo.simplified_arcs(geo.COUNTRY_TOLERANCE_M):
        points = [frame.point(x, y) for x, y in arc]
        assert not _reaches(points, maps.TIP_MAX_WIDTH, maps.TIP_MAX_HEIGHT), points[0]
    names = [area.name for area in geo.geography().areas.values()]
    for language in ("nl", "en"):
        with translation.override(language):
            for name in names:
                tip = maps.tip(name, maps.count_text(342))
                assert tip.width <= maps.TIP_MAX_WIDTH and tip.height <= maps.TIP_MAX_HEIGHT, name


def _reaches(points, width: float, height: float) -> bool:
    """Whether a line through ``points`` comes into the box (0, 0, width, height): checked at
    its points and at tenths of the way between them."""
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        for step in range(11):
            x, y = ax + (bx - ax) * step / 10, ay + (by - ay) * step / 10
            if x <= width and y <= height:
                return True
    return False


def test_the_larger_tip_on_a_phone_never_covers_the_municipality_it_names():
    css = (geo.DATA_FILE.parents[2] / "static/css/portal.css").read_text()
    assert f".map__label {{ transform: scale({maps.TIP_PHONE_SCALE}); }}" in css
    frame = geo.Frame(geo.country_bounds(), 600)
    areas = geo.geography().areas
    for language in ("nl", "en"):
        with translation.override(language):
            for code, area in areas.items():
                tip = maps.tip(area.name, maps.count_text(342))
                width, height = tip.width * maps.TIP_PHONE_SCALE, tip.height * maps.TIP_PHONE_SCALE
                points = _absolute_points(geo.area_path(code, frame))
                assert not _reaches(points, width, height), (area.name, language)


def _absolute_points(path: str) -> list[tuple[int, int]]:
    """Every point of SVG path data in geo's form (M x y, then relative steps)."""
    points = []
    for ring in re.findall(r"M(-?\d+) (-?\d+)l([-\d ]+)", path):
        x, y = int(ring[0]), int(ring[1])
        points.append((x, y))
        steps = [int(value) for value in ring[2].split()]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


def test_a_long_name_and_count_wrap_at_spaces_and_hyphens():
    tip = maps.tip("Hardinxveld-Giessendam", "12 neighbourhood enterprises")
    assert [(line.text, line.strong) for line in tip.lines] == [
        ("Hardinxveld-", True),
        ("Giessendam ", True),
        ("12 neighbourhood ", False),
        ("enterprises", False),
    ]
    assert [line.y for line in tip.lines] == [24, 46, 68, 90]  # 10 + 0.8 x 18 = 24.4, then 22 apart
    assert tip.height == 101  # 24.4 + 3 x 22 + 10 = 100.4, rounded up


def _css_colour(name: str) -> str:
    css = (geo.DATA_FILE.parents[2] / "static/css/portal.css").read_text()
    found = re.search(rf"--{name}: (#[0-9a-f]{{6}});", css)
    assert found is not None, f"portal.css defines no --{name}"
    return found.group(1)


def test_the_focus_edge_has_3_to_1_against_every_shade_and_the_page():
    edge, fill = _css_colour("c-focus-ink"), _css_colour("c-focus")
    for colour in (*geo.FILLS, geo.EMPTY_FILL, "#ffffff", fill):
        assert geo.contrast(edge, colour) >= 3, colour
