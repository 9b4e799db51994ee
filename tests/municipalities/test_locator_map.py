"""The map on a municipality's page and in its brief: the municipality highlighted in its
province, the province's municipalities and no others, one cached query for them, and the
same SVG on the page and in the PDF."""

import csv
import re
from io import BytesIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from enterprises.models import Municipality
from lsa_portal.pdf import render_pdf
from lsa_portal.pdf_jobs import PdfJobStatus
from municipalities import brief, geo, maps, selectors
from municipalities.models import BriefJob
from tests.factories import (
    EnterpriseFactory,
    MunicipalityFactory,
    OfficerLinkFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

UTRECHT = "GM0344"
PORTAL_LIST = Path(geo.__file__).resolve().parents[1] / "enterprises/data/municipalities.csv"


def in_province(name: str) -> set[str]:
    """The province's municipalities by the portal's own list (not by the database)."""
    with PORTAL_LIST.open(encoding="utf-8") as handle:
        return {row["cbs_code"] for row in csv.DictReader(handle) if row["province"] == name}


def paths(html: str) -> list[str]:
    return re.findall(r'<path d="([^"]+)"', html)


def svg_of(html: str) -> str:
    return html[html.index('<svg class="map__svg"') : html.index("</svg>")]


def test_the_municipality_is_drawn_dark_with_a_thick_border_in_its_province():
    utrecht = Municipality.objects.get(cbs_code=UTRECHT)
    locator = selectors.locator(utrecht)
    frame = geo.Frame(geo.bounds(in_province("Utrecht")), selectors.LOCATOR_WIDTH)
    assert locator.frame == frame  # the province fills the frame

    highlighted = [area for area in locator.areas if area.highlighted]
    assert [area.code for area in highlighted] == [UTRECHT]
    (own,) = highlighted
    assert own.d == geo.area_path(UTRECHT, frame, geo.PROVINCE_TOLERANCE_M)
    assert own.fill == maps.HIGHLIGHT_FILL and own.stroke_width == "2"
    assert locator.areas[-1] is own  # drawn last: no neighbour covers its border
    # Not colour alone: 3:1 against the province's fill, a thick border, the name on the map
    # and in the caption.
    assert geo.contrast(maps.HIGHLIGHT_FILL, maps.LOCATOR_FILL) >= 3
    assert [label.text for label in locator.labels] == ["Utrecht"]
    assert locator.caption == "Utrecht (donker, met een dikke rand) in de provincie Utrecht."
    assert locator.title == "Ligging van Utrecht in de provincie Utrecht"
    assert locator.outlines == (
        geo.outline_path(in_province("Utrecht"), frame, geo.PROVINCE_TOLERANCE_M),
    )


def test_every_municipality_of_the_province_is_drawn_and_none_of_another():
    vaals = Municipality.objects.get(name="Vaals")
    limburg = in_province("Limburg")
    assert len(limburg) == 31
    locator = selectors.locator(vaals)
    assert {area.code for area in locator.areas} == limburg
    assert all(area.fill == maps.LOCATOR_FILL for area in locator.areas if area.code != "GM0981")
    assert locator.title == "Ligging van Vaals in de provincie Limburg"


def test_the_page_shows_the_map_with_its_accessible_name_and_the_attribution(client):
    html = client.get("/gemeenten/utrecht/").content.decode()
    svg = svg_of(html)
    assert 'role="img"' in svg and 'aria-labelledby="locator-title"' in svg
    assert '<title id="locator-title">Ligging van Utrecht in de provincie Utrecht</title>' in svg
    assert len(paths(svg)) == len(in_province("Utrecht")) + 1  # and the outline
    assert "Bron: CBS, Kadaster" in html


def test_a_municipality_without_a_shape_has_no_map(client):
    town = MunicipalityFactory(slug="zonderkaart")  # a GM9xxx code: not a CBS municipality
    assert selectors.locator(town) is None
    assert 'class="map__svg"' not in client.get("/gemeenten/zonderkaart/").content.decode()


def test_the_province_codes_cost_one_query_and_then_none(django_assert_num_queries):
    utrecht = Municipality.objects.get(cbs_code=UTRECHT)
    cache.clear()
    with django_assert_num_queries(1):
        selectors.locator(utrecht)
    with django_assert_num_queries(0):
        selectors.locator(utrecht)


def test_renaming_a_municipality_reaches_the_cached_map(client):
    client.get("/gemeenten/utrecht/")
    utrecht = Municipality.objects.get(cbs_code=UTRECHT)
    utrecht.name = "Trajectum"
    utrecht.save()
    svg = svg_of(client.get("/gemeenten/utrecht/").content.decode())
    assert "Ligging van Trajectum in de provincie Utrecht" in svg


# --- The brief ------------------------------------------------------------------------------


@pytest.fixture
def utrecht():
    utrecht = Municipality.objects.get(cbs_code=UTRECHT)
    for name in ("Alfa", "Bravo", "Charlie"):
        YearFiguresFactory(enterprise=EnterpriseFactory(municipality=utrecht, name=name))
    return utrecht


def test_the_brief_draws_the_map_of_the_page(client, utrecht):
    page = svg_of(client.get("/gemeenten/utrecht/").content.decode())
    pdf_html = svg_of(brief.brief_html(utrecht))
    own = geo.area_path(UTRECHT, selectors.locator(utrecht).frame, geo.PROVINCE_TOLERANCE_M)
    assert f'<path d="{own}" fill="{maps.HIGHLIGHT_FILL}"' in pdf_html
    assert paths(pdf_html) == paths(page)
    assert "Bron: CBS, Kadaster" in brief.brief_html(utrecht)


def test_the_brief_with_its_map_renders_as_a_pdf(
    client, utrecht, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/gemeenten/utrecht/brief/")
    job = BriefJob.objects.get()
    assert job.status == PdfJobStatus.DONE, job.error
    with job.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    reader = PdfReader(BytesIO(content))
    # The map fits on the cover: as many pages as the brief without it (the cover, then the
    # figures, enterprises and publications).
    with mock.patch.object(selectors, "locator", return_value=None):
        without_map = render_pdf(brief.brief_html(utrecht))
    assert len(reader.pages) == len(PdfReader(BytesIO(without_map)).pages) == 2
    cover = reader.pages[0].extract_text()
    assert "Utrecht (donker, met een dikke rand) in de provincie Utrecht." in cover
    assert "Bron: CBS, Kadaster" in cover


def test_the_map_costs_no_query_on_a_warm_cache(client, utrecht, django_assert_num_queries):
    from tests.municipalities.test_pages import ANONYMOUS_PAGE_QUERIES, PAGE_QUERIES

    link = OfficerLinkFactory(municipality=utrecht)
    client.force_login(link.user)
    client.get("/gemeenten/utrecht/")
    with django_assert_num_queries(PAGE_QUERIES):
        assert 'class="map__svg"' in client.get("/gemeenten/utrecht/").content.decode()
    # Cold: one query more than the page without its map (the province's municipalities).
    cache.clear()
    with CaptureQueriesContext(connection) as with_map:
        client.get("/gemeenten/utrecht/")
    cache.clear()
    with (
        mock.patch.object(selectors, "locator", return_value=None),
        CaptureQueriesContext(connection) as without_map,
    ):
        client.get("/gemeenten/utrecht/")
    assert len(with_map) == len(without_map) + 1
    client.logout()
    client.get("/gemeenten/utrecht/")
    with django_assert_num_queries(ANONYMOUS_PAGE_QUERIES):
        assert 'class="map__svg"' in client.get("/gemeenten/utrecht/").content.decode()
