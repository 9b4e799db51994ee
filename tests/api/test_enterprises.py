"""The open-data API's enterprises: published ones only, the export's columns and never a
contact person, the directory's filters, pages with links, a constant number of queries."""

import pytest
from django.http import QueryDict

from enterprises import selectors
from enterprises.models import EnterpriseKind, EnterpriseStatus, Province, Theme
from tests.factories import EnterpriseFactory, MunicipalityFactory, YearFiguresFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/wijkondernemingen"


def _names(response) -> list[str]:
    return [item["naam"] for item in response.json()["_embedded"]["wijkondernemingen"]]


def test_only_published_enterprises_appear_and_never_a_contact_person(client):
    town = MunicipalityFactory(slug="proefstad")
    shown = EnterpriseFactory(
        name="Open Wijkbedrijf",
        municipality=town,
        contact_name="Piet Contact",
        contact_email="piet@contact.example",
        municipality_may_contact=True,
        address="Geheimstraat 1",
    )
    for status in (
        EnterpriseStatus.CONCEPT,
        EnterpriseStatus.SUBMITTED,
        EnterpriseStatus.REJECTED,
        EnterpriseStatus.ARCHIVED,
    ):
        EnterpriseFactory(
            name=f"Verborgen {status}",
            slug=f"verborgen-{status}",
            status=status,
            rejection_reason="Onvolledig",
        )
    response = client.get(LIST)
    assert response.status_code == 200
    assert _names(response) == ["Open Wijkbedrijf"]
    for path in (LIST, f"{LIST}/{shown.slug}", f"{LIST}/{shown.slug}/jaarcijfers"):
        body = client.get(path).content.decode()
        for personal in ("Piet Contact", "piet@contact.example", "Geheimstraat", "contact"):
            assert personal not in body, (path, personal)
    for status in ("concept", "ingediend", "afgewezen", "gearchiveerd"):
        assert client.get(f"{LIST}/verborgen-{status}").status_code == 404


def test_an_enterprise_carries_the_export_columns(client, settings):
    settings.PORTAL_BASE_URL = "https://portaal.example"
    town = MunicipalityFactory(name="Proefstad", slug="proefstad", cbs_code="GM9123")
    enterprise = EnterpriseFactory(name="Buurtbedrijf Cijfers", municipality=town, kvk_number="")
    enterprise.themes.set(Theme.objects.filter(slug="energie"))
    YearFiguresFactory(enterprise=enterprise, year=2023, income_sales=1)
    YearFiguresFactory(enterprise=enterprise, year=2024, income_loans=5_000)
    body = client.get(f"{LIST}/{enterprise.slug}").json()
    # 2024: sales 50,000 + rent 20,000 + subsidies 30,000 = 100,000; loans are no turnover.
    assert body["omzet"] == 100_000
    assert body["leningen"] == 5_000
    assert body["laatsteJaar"] == 2024
    assert (body["aandeelMarkt"], body["aandeelOverheid"], body["aandeelPrivaat"]) == (70, 30, 0)
    assert body["cbsCode"] == "GM9123"
    assert body["themas"] == ["energie"]
    assert body["_links"]["profiel"]["href"] == (
        f"https://portaal.example/wijkondernemingen/{enterprise.slug}/"
    )
    assert body["_links"]["gemeente"]["href"] == "https://portaal.example/api/v1/gemeenten/GM9123"
    row = next(selectors.export_rows(QueryDict(), "https://portaal.example"))
    assert body["naam"] == row["name"] and body["betaaldeFte"] == float(row["paid_staff_fte"])


def test_year_figures_are_those_the_profile_shows(client):
    enterprise = EnterpriseFactory()
    YearFiguresFactory(enterprise=enterprise, year=2023, people_from_benefits=4)
    YearFiguresFactory(
        enterprise=enterprise, year=2024, people_from_benefits=6, residents_reached=300
    )
    body = client.get(f"{LIST}/{enterprise.slug}/jaarcijfers").json()
    first, latest = body["jaarcijfers"]
    assert [first["jaar"], latest["jaar"]] == [2023, 2024]
    assert latest["omzet"] == 100_000 and latest["uitgaven"] == 90_000
    assert latest["resultaat"] == 10_000
    assert latest["stromen"] == {
        "verkoop": 50,
        "verhuur": 20,
        "bijdragen": 0,
        "opdrachten": 0,
        "subsidies": 30,
        "fondsen": 0,
        "giften": 0,
    }
    # As on the profile: people only for the latest year; the checks' flags never.
    assert (latest["mensenUitUitkering"], latest["bereikteBewoners"]) == (6, 300)
    assert (first["mensenUitUitkering"], first["bereikteBewoners"]) == (None, None)
    assert "flags" not in str(body)


def test_year_figures_of_an_unpublished_enterprise_are_not_found(client):
    concept = EnterpriseFactory(status=EnterpriseStatus.CONCEPT, published_at=None)
    YearFiguresFactory(enterprise=concept)
    response = client.get(f"{LIST}/{concept.slug}/jaarcijfers")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


FILTERS = [
    {"provincie": "utrecht"},
    {"soort": "energiecooperatie"},
    {"thema": "energie"},
    {"gemeente": "noordstad"},
    {"q": "zon"},
    {"q": "Noordstad"},
    {"opgerichtVanaf": "2010", "opgerichtTot": "2016"},
    {"rechtsvorm": "stichting"},
    {"sorteer": "opgericht"},
    {"sorteer": "gemeente", "provincie": "utrecht"},
]


# The API's query keys are camelCase (NLGov ADR); the directory page keeps its own names.
DIRECTORY_NAMES = {"opgerichtVanaf": "opgericht_vanaf", "opgerichtTot": "opgericht_tot"}


@pytest.mark.parametrize("params", FILTERS)
def test_filters_give_what_the_directory_gives(client, params):
    north = MunicipalityFactory(name="Noordstad", slug="noordstad", province=Province.GRONINGEN)
    south = MunicipalityFactory(name="Zuidstad", slug="zuidstad", province=Province.UTRECHT)
    energy = Theme.objects.get(slug="energie")
    for index, (name, town, kind, year, form) in enumerate(
        [
            ("Zonnedak Noord", north, EnterpriseKind.ENERGIECOOPERATIE, 2012, "cooperatie"),
            ("Buurthuis Zuid", south, EnterpriseKind.BUURTHUIS, 2005, "stichting"),
            ("Zonnig Zuid", south, EnterpriseKind.WIJKONDERNEMING, 2016, "stichting"),
            ("Anders Noord", north, EnterpriseKind.OTHER, 2020, "vereniging"),
        ]
    ):
        enterprise = EnterpriseFactory(
            name=name, municipality=town, kind=kind, founded_year=year, legal_form=form
        )
        enterprise.themes.set([energy] if index % 2 == 0 else [])
    EnterpriseFactory(name="Zon Concept", municipality=north, status=EnterpriseStatus.CONCEPT)
    query = QueryDict(mutable=True)
    query.update({DIRECTORY_NAMES.get(name, name): value for name, value in params.items()})
    expected = [e.name for e in selectors.directory(query).page.object_list]
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert _names(response) == expected
    assert expected  # every filter here finds something (and not everything)
    assert len(expected) < 4 or "sorteer" in params


@pytest.mark.parametrize(
    "params", [{"gemeente": "atlantis"}, {"thema": "nergens"}, {"gemeente": "atlantis", "q": "zon"}]
)
def test_an_unknown_municipality_or_theme_matches_nothing(client, params):
    # A filter on a value the data does not have finds nothing, as open-data consumers expect:
    # an empty page, not an error (the document allows any slug).
    EnterpriseFactory(name="Zonnedak")
    response = client.get(LIST, params)
    assert response.status_code == 200
    body = response.json()
    assert (body["aantal"], body["aantalPaginas"], body["pagina"]) == (0, 1, 1)
    assert body["_embedded"]["wijkondernemingen"] == []
    assert body["_links"]["next"] is None
    assert client.get(LIST, {**params, "pagina": 2}).status_code == 404


def test_the_old_snake_case_year_keys_are_not_filters(client):
    EnterpriseFactory(founded_year=2000)
    body = client.get(LIST, {"opgericht_vanaf": "2010"}).json()
    assert body["aantal"] == 1
    assert "opgericht_vanaf" not in body["_links"]["self"]["href"]


def test_pages_link_to_first_prev_next_and_last(client, settings):
    settings.PORTAL_BASE_URL = "https://portaal.example"
    for index in range(5):
        EnterpriseFactory(name=f"Bedrijf {index}", municipality__province=Province.UTRECHT)
    body = client.get(LIST, {"provincie": "utrecht", "paginaGrootte": 2, "pagina": 2}).json()
    base = "https://portaal.example/api/v1/wijkondernemingen?provincie=utrecht"
    links = body["_links"]
    assert links["self"]["href"] == f"{base}&pagina=2&paginaGrootte=2"
    assert links["first"]["href"] == f"{base}&pagina=1&paginaGrootte=2"
    assert links["prev"]["href"] == f"{base}&pagina=1&paginaGrootte=2"
    assert links["next"]["href"] == f"{base}&pagina=3&paginaGrootte=2"
    assert links["last"]["href"] == f"{base}&pagina=3&paginaGrootte=2"
    assert (body["aantal"], body["aantalPaginas"]) == (5, 3)
    assert _names_of(body) == ["Bedrijf 2", "Bedrijf 3"]
    last = client.get(LIST, {"paginaGrootte": 2, "pagina": 3}).json()
    assert last["_links"]["next"] is None and _names_of(last) == ["Bedrijf 4"]
    first = client.get(LIST, {"paginaGrootte": 2}).json()
    assert first["_links"]["prev"] is None
    assert client.get(LIST, {"paginaGrootte": 2, "pagina": 4}).status_code == 404
    assert client.get(LIST, {"paginaGrootte": 101}).status_code == 400


def _names_of(body) -> list[str]:
    return [item["naam"] for item in body["_embedded"]["wijkondernemingen"]]


def test_nothing_found_is_an_empty_first_page(client):
    body = client.get(LIST, {"q": "niets"}).json()
    assert body["aantal"] == 0 and body["_embedded"]["wijkondernemingen"] == []


@pytest.mark.parametrize("size", [2, 12])
def test_list_queries_do_not_grow_with_the_rows(client, django_assert_num_queries, size):
    for _ in range(size):
        enterprise = EnterpriseFactory()
        enterprise.themes.set(Theme.objects.all()[:2])
        YearFiguresFactory(enterprise=enterprise)
    # The count, the page, the theme slugs, the theme links, the latest figures.
    with django_assert_num_queries(5):
        response = client.get(LIST, {"paginaGrootte": 100})
    assert len(response.json()["_embedded"]["wijkondernemingen"]) == size
