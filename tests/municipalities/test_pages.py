"""The list of municipalities and the page of one, and what they cost in queries."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import EnterpriseStatus
from knowledge.models import Status
from pioneers.models import MilestoneStatus
from tests.factories import (
    AssetFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    LessonFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OfficerLinkFactory,
    PioneerFactory,
    ReportFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db


def test_list_shows_only_municipalities_with_published_enterprises(client):
    with_two = MunicipalityFactory(name="Aadorp", slug="aadorp")
    EnterpriseFactory.create_batch(2, municipality=with_two)
    with_one = MunicipalityFactory(name="Zeedorp", slug="zeedorp")
    PioneerFactory(enterprise=EnterpriseFactory(municipality=with_one), show_on_programme_page=True)
    only_concept = MunicipalityFactory(name="Conceptdorp")
    EnterpriseFactory(municipality=only_concept, status=EnterpriseStatus.CONCEPT)

    html = client.get("/gemeenten/").content.decode()
    assert "Aadorp" in html and "Zeedorp" in html and "Conceptdorp" not in html
    assert html.index("Aadorp") < html.index("Zeedorp")
    by_number = client.get("/gemeenten/", {"sorteer": "aantal"}).content.decode()
    assert by_number.index("Aadorp") < by_number.index("Zeedorp")
    searched = client.get("/gemeenten/", {"q": "zee"}).content.decode()
    assert "Zeedorp" in searched and "Aadorp" not in searched


def test_list_counts_enterprises_and_pioneers(client):
    from municipalities.selectors import municipality_index

    town = MunicipalityFactory()
    enterprises = EnterpriseFactory.create_batch(3, municipality=town)
    PioneerFactory(enterprise=enterprises[0], show_on_programme_page=True)
    PioneerFactory(enterprise=enterprises[1], show_on_programme_page=False)
    row = municipality_index().get(pk=town.pk)
    assert (row.enterprise_count, row.pioneer_count) == (3, 1)


def test_page_shows_pioneers_milestones_and_publications(client):
    town = MunicipalityFactory(slug="kennisdorp")
    enterprise = EnterpriseFactory(municipality=town, name="Het Badhuis")
    pioneer = PioneerFactory(enterprise=enterprise, show_on_programme_page=True)
    MilestoneFactory(pioneer=pioneer, title="Pand gekocht", status=MilestoneStatus.ACHIEVED)
    MilestoneFactory(pioneer=pioneer, title="Nog bezig", status=MilestoneStatus.PLANNED)
    ReportFactory(title="Strategie voor Kennisdorp", commissioning_municipality=town)
    ReportFactory(title="Concept rapport", commissioning_municipality=town, status=Status.DRAFT)
    CaseDescriptionFactory(title="Zo kochten wij het badhuis", enterprise=enterprise)
    LessonFactory(
        pioneer=pioneer, title="Begin klein", published=True, published_at="2025-01-01T00:00Z"
    )
    html = client.get("/gemeenten/kennisdorp/").content.decode()
    for text in (
        "Het Badhuis",
        "Pand gekocht",
        "Strategie voor Kennisdorp",
        "Zo kochten wij het badhuis",
        "Begin klein",
    ):
        assert text in html
    assert "Nog bezig" not in html and "Concept rapport" not in html


def _fill(town, size):
    for _ in range(size):
        enterprise = EnterpriseFactory(municipality=town)
        YearFiguresFactory(enterprise=enterprise)
        AssetFactory(enterprise=enterprise)
        pioneer = PioneerFactory(enterprise=enterprise, show_on_programme_page=True)
        MilestoneFactory(pioneer=pioneer, status=MilestoneStatus.ACHIEVED)
        CaseDescriptionFactory(enterprise=enterprise)
        ReportFactory(commissioning_municipality=town)


# The same at any size. Cached: the user with its roles, the municipality and the officer's
# link (the session and the page's shared parts come from the cache; with a brief, its state
# is one more); on a cold cache the shared parts are read and the figures here and nationally
# computed (each: the figures, the real estate and the holdings per enterprise).
PAGE_QUERIES = 3
COLD_PAGE_QUERIES = 22
ANONYMOUS_PAGE_QUERIES = 0


@pytest.mark.parametrize("size", [3, 9])
def test_page_queries_do_not_grow_with_the_enterprises(client, django_assert_num_queries, size):
    town = MunicipalityFactory(slug=f"groeidorp-{size}")
    _fill(town, size)
    link = OfficerLinkFactory(municipality=town)
    client.force_login(link.user)
    client.get(f"/gemeenten/{town.slug}/")  # session and caches warm
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(f"/gemeenten/{town.slug}/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= size
    cache.clear()
    with django_assert_num_queries(COLD_PAGE_QUERIES):
        assert client.get(f"/gemeenten/{town.slug}/").status_code == 200
    client.logout()
    client.get(f"/gemeenten/{town.slug}/")
    with django_assert_num_queries(ANONYMOUS_PAGE_QUERIES):
        response = client.get(f"/gemeenten/{town.slug}/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= size


@pytest.mark.parametrize("size", [2, 8])
def test_list_queries_do_not_grow_with_the_municipalities(client, size):
    for _ in range(size):
        EnterpriseFactory(municipality=MunicipalityFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/gemeenten/")
    assert len(queries) <= 2
    assert response.status_code == 200
    # every municipality has one published enterprise, so each has its row
    assert response.content.decode().count('<th scope="row"><a href="/gemeenten/') == size
