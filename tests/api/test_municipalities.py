"""Municipalities in the API: the list of the portal's page with its counts, and the figures of
a municipality only from three reporting enterprises on, as on its page."""

import pytest

from enterprises.models import EnterpriseStatus
from tests.factories import EnterpriseFactory, MunicipalityFactory, YearFiguresFactory

pytestmark = pytest.mark.django_db


def _reporting(town, count: int, **figures):
    for _ in range(count):
        YearFiguresFactory(enterprise=EnterpriseFactory(municipality=town), year=2024, **figures)


def test_figures_of_fewer_than_three_enterprises_are_not_shown(client):
    town = MunicipalityFactory(name="Tweedorp", slug="tweedorp", cbs_code="GM9402")
    _reporting(town, 2, income_sales=12_345)
    # An enterprise that is not published counts nowhere, not even towards the three.
    concept = EnterpriseFactory(
        municipality=town, status=EnterpriseStatus.CONCEPT, published_at=None
    )
    YearFiguresFactory(enterprise=concept, year=2024)
    body = client.get("/api/v1/gemeenten/GM9402").json()
    assert body["aantalWijkondernemingen"] == 2
    figures = body["cijfers"]
    assert figures["getoond"] is False
    assert [figures[key] for key in ("omzet", "leningen", "stromen", "maten")] == [None] * 4
    assert figures["aantalRapporterend"] is None
    assert "12345" not in client.get("/api/v1/gemeenten/tweedorp").content.decode()


def test_figures_of_three_enterprises_are_summed(client):
    town = MunicipalityFactory(name="Driedorp", slug="driedorp", cbs_code="GM9403")
    _reporting(town, 3, income_loans=1_000)
    figures = client.get("/api/v1/gemeenten/gm9403").json()["cijfers"]
    assert figures["getoond"] is True and figures["jaar"] == 2024
    # Each: sales 50,000 + rent 20,000 + subsidies 30,000 = 100,000 of turnover.
    assert figures["omzet"] == 300_000
    assert figures["leningen"] == 3_000
    assert figures["aantalRapporterend"] == 3
    assert figures["stromen"]["verkoop"] == 50 and figures["stromen"]["subsidies"] == 30
    turnover = next(row for row in figures["maten"] if row["sleutel"] == "turnover")
    assert (turnover["totaal"], turnover["mediaan"]) == (300_000, 100_000)


def test_the_list_has_the_municipalities_with_published_enterprises(client):
    busy = MunicipalityFactory(name="Drukstad", slug="drukstad")
    quiet = MunicipalityFactory(name="Stilstad", slug="stilstad")
    EnterpriseFactory(municipality=busy)
    EnterpriseFactory(municipality=busy)
    EnterpriseFactory(municipality=quiet, status=EnterpriseStatus.CONCEPT, published_at=None)
    body = client.get("/api/v1/gemeenten").json()
    rows = body["_embedded"]["gemeenten"]
    assert [(row["naam"], row["aantalWijkondernemingen"]) for row in rows] == [("Drukstad", 2)]
    link = rows[0]["_links"]["wijkondernemingen"]["href"]
    assert link.endswith("/api/v1/wijkondernemingen?gemeente=drukstad")
    # Its own address still answers, with nothing published.
    assert client.get("/api/v1/gemeenten/stilstad").json()["aantalWijkondernemingen"] == 0


@pytest.mark.parametrize("size", [2, 9])
def test_list_queries_do_not_grow_with_the_rows(client, django_assert_num_queries, size):
    for _ in range(size):
        EnterpriseFactory()
    with django_assert_num_queries(2):  # the count and the page
        response = client.get("/api/v1/gemeenten", {"paginaGrootte": 100})
    assert response.json()["aantal"] == size
