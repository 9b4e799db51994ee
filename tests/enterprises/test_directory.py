"""The public directory, the profile, the benchmark and the open-data export."""

import csv
import io
import json
import re
from decimal import Decimal
from html import unescape as html_unescape

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseStatus, Municipality, Theme
from tests.factories import (
    AssetFactory,
    EnterpriseFactory,
    MembershipFactory,
    MunicipalOfficerFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db
INDEX = "/wijkondernemingen/"


def names(response) -> list[str]:
    """The enterprise names on the page, in order, as a visitor reads them."""
    html = response.content.decode()
    return [
        html_unescape(name)
        for name in re.findall(r'enterprise-card">\s*<h3><a href="[^"]+">([^<]+)</a>', html)
    ]


def test_filters_wait_behind_a_disclosure_and_the_active_ones_are_summarised(client):
    """On a phone the results come first: the filters are a closed <details> (opened beside
    the results by CSS on wide screens), whose summary counts the filters in use; above the
    results each active filter has a link that removes it."""
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    EnterpriseFactory(name="Zon op Zuilen", municipality=utrecht, kind="energiecooperatie")
    html = client.get(
        INDEX,
        {"provincie": "utrecht", "soort": "energiecooperatie", "q": " Zuilen ", "pagina": "1"},
    ).content.decode()
    details = re.search(r'<details class="filters"[^>]*>', html)
    assert details and "open" not in details.group(0)
    summary = re.search(r'<summary class="filters__toggle">(.*?)</summary>', html, re.S)
    assert re.sub(r"<[^>]+>|\s+", " ", summary.group(1)).split() == [
        "Zoeken",
        "en",
        "filteren",
        "(3",
        "actief)",
    ]
    assert html.index("<summary") < html.index('id="id_q"') < html.index("</details>")
    chips = re.findall(r'<li><a href="\?([^"]*)">([^<]+)<span aria-hidden', html)
    assert [(html_unescape(query), text.strip()) for query, text in chips] == [
        ("provincie=utrecht&soort=energiecooperatie", "Naam of plaats: Zuilen"),
        ("q=+Zuilen+&soort=energiecooperatie", "Provincie: Utrecht"),
        ("q=+Zuilen+&provincie=utrecht", "Soort: Energiecoöperatie"),
    ]

    one = client.get(INDEX, {"thema": "energie", "sorteer": "nieuw"}).content.decode()
    assert "(1 actief)" in one and "Thema: Energie" in one

    plain = client.get(INDEX, {"sorteer": "nieuw"}).content.decode()  # sorting is no filter
    assert "actief)" not in plain and 'class="active-filters"' not in plain


def test_only_published_enterprises_are_listed(client):
    EnterpriseFactory(name="Zichtbaar")
    for status in (
        EnterpriseStatus.CONCEPT,
        EnterpriseStatus.SUBMITTED,
        EnterpriseStatus.REJECTED,
        EnterpriseStatus.ARCHIVED,
    ):
        EnterpriseFactory(name=f"Verborgen {status}", status=status, rejection_reason="x")
    response = client.get(INDEX)
    assert names(response) == ["Zichtbaar"]
    assert "Verborgen" not in response.content.decode()


def test_filters_narrow_the_list_and_show_counts(client):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    groningen = Municipality.objects.get(cbs_code="GM0014")
    energy, care = Theme.objects.get(slug="energie"), Theme.objects.get(slug="zorg-en-welzijn")
    EnterpriseFactory(
        name="Zon op Zuilen",
        municipality=utrecht,
        kind="energiecooperatie",
        themes=[energy],
        founded_year=2012,
    )
    EnterpriseFactory(
        name="Zorg in Zuilen",
        municipality=utrecht,
        kind="bewonersbedrijf",
        themes=[care],
        founded_year=2018,
    )
    EnterpriseFactory(
        name="Stadjers Samen",
        municipality=groningen,
        kind="bewonersbedrijf",
        themes=[care],
        founded_year=2020,
    )

    assert names(client.get(INDEX, {"gemeente": "utrecht"})) == ["Zon op Zuilen", "Zorg in Zuilen"]
    assert names(client.get(INDEX, {"provincie": "groningen"})) == ["Stadjers Samen"]
    assert names(client.get(INDEX, {"thema": "energie"})) == ["Zon op Zuilen"]
    assert names(client.get(INDEX, {"soort": "bewonersbedrijf", "gemeente": "utrecht"})) == [
        "Zorg in Zuilen"
    ]
    assert names(client.get(INDEX, {"opgericht_vanaf": "2015", "opgericht_tot": "2019"})) == [
        "Zorg in Zuilen"
    ]
    assert names(client.get(INDEX, {"q": "zuilen"})) == ["Zon op Zuilen", "Zorg in Zuilen"]
    assert names(client.get(INDEX, {"q": "groningen"})) == ["Stadjers Samen"]
    assert names(client.get(INDEX, {"sorteer": "opgericht"}))[0] == "Zon op Zuilen"

    html = client.get(INDEX, {"gemeente": "utrecht"}).content.decode()
    count = r'</a> <span class="count">\(1\)'
    assert re.search(r'soort=bewonersbedrijf">BewonersBedrijf' + count, html)
    assert re.search(r'soort=energiecooperatie">Energiecoöperatie' + count, html)
    assert re.search(r'thema=energie">Energie' + count, html)
    assert "Stadjers" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"pagina": "abc"},
        {"pagina": "999"},
        {"opgericht_vanaf": "ooit"},
        {"gemeente": "atlantis"},
        {"sorteer": "'; DROP TABLE"},
        {"thema": "<script>"},
        {"q": "x" * 5000},
        {"provincie": "Bourgondië"},
    ],
)
def test_anything_typed_in_the_address_bar_gives_a_page_not_an_error(client, params):
    EnterpriseFactory()
    response = client.get(INDEX, params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_the_list_is_paginated_by_25(client):
    for number in range(30):
        EnterpriseFactory(name=f"Onderneming {number:02d}")
    first = client.get(INDEX)
    assert len(names(first)) == 25
    assert "Pagina 1 van 2" in first.content.decode()
    assert names(client.get(INDEX, {"pagina": "2"})) == [f"Onderneming {n}" for n in range(25, 30)]


def test_the_cached_directory_shows_a_change_at_once(client):
    EnterpriseFactory(name="Eerste")
    assert names(client.get(INDEX)) == ["Eerste"]
    assert names(client.get(INDEX)) == ["Eerste"]  # served from the cache
    second = EnterpriseFactory(name="Tweede")
    assert names(client.get(INDEX)) == ["Eerste", "Tweede"]
    second.themes.clear()
    assert names(client.get(INDEX, {"thema": "energie"})) == ["Eerste"]
    Enterprise.objects.filter(pk=second.pk).update(name="Stil")  # no signal: update() is silent
    second.name = "Hernoemd"
    second.save()
    assert names(client.get(INDEX)) == ["Eerste", "Hernoemd"]


@pytest.mark.parametrize("size", [3, 30])
def test_directory_queries_do_not_grow_with_the_rows(client, django_assert_num_queries, size):
    for _ in range(size):
        enterprise = EnterpriseFactory(themes=list(Theme.objects.all()[:2]))
        YearFiguresFactory(enterprise=enterprise)
    client.get(INDEX)  # warm the content-type and session caches
    # validate the theme, count, page, its themes, 4 facets, 2 select lists: 10 at any size
    with django_assert_num_queries(10):
        response = client.get(INDEX, {"thema": "energie"})
    assert response.status_code == 200
    assert len(names(response)) == min(size, 25)  # every enterprise has the theme; 25 a page


@pytest.mark.parametrize("years", [1, 6])
def test_profile_queries_do_not_grow_with_the_years(client, django_assert_num_queries, years):
    enterprise = EnterpriseFactory()
    for year in range(2019, 2019 + years):
        YearFiguresFactory(enterprise=enterprise, year=year)
        AssetFactory(enterprise=enterprise, name=f"Gebouw {year}")
    with django_assert_num_queries(4):
        response = client.get(enterprise.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Gebouw 20") == years


def test_profile_shows_the_income_mix_as_svg_with_a_text_alternative_and_a_table(client):
    enterprise = EnterpriseFactory(name="De Rekenkamer")
    YearFiguresFactory(
        enterprise=enterprise,
        year=2024,
        income_sales=60_000,
        income_rent=0,
        income_subsidies=40_000,
        expenses=90_000,
    )
    html = client.get(enterprise.get_absolute_url()).content.decode()
    assert '<svg class="chart__bar"' in html
    assert 'role="img"' in html
    assert "Omzetmix 2024: Verkoop van producten en diensten 60%, Subsidies 40%." in html
    assert (
        ">Omzet, leningen, uitgaven en mensen per jaar (euro’s; leningen zijn financiering, "
        "geen omzet)</caption>" in html
    )
    assert "100.000" in html  # turnover, Dutch thousands separator
    assert "10.000" in html  # result


def test_benchmark_shows_medians_and_hides_small_groups(client):
    shares = [(80_000, 20_000), (50_000, 50_000), (20_000, 80_000)]  # market 80, 50, 20 %
    for sales, subsidies in shares:
        enterprise = EnterpriseFactory(kind="bewonersbedrijf")
        YearFiguresFactory(
            enterprise=enterprise, income_sales=sales, income_rent=0, income_subsidies=subsidies
        )
    lonely = EnterpriseFactory(kind="energiecooperatie")
    YearFiguresFactory(enterprise=lonely, income_sales=100_000, income_rent=0, income_subsidies=0)
    AssetFactory(enterprise=lonely, tenure="eigendom")
    AssetFactory(enterprise=lonely, tenure="huur")
    for _ in range(2):  # two village co-ops: too few as well, but three together with the one
        YearFiguresFactory(
            enterprise=EnterpriseFactory(kind="dorpscooperatie"),
            income_sales=30_000,
            income_rent=0,
            income_subsidies=70_000,
        )

    response = client.get(reverse("enterprises:benchmark"))
    data = response.context["benchmark"]
    assert data.overall.count == 6
    assert data.overall.turnover == 600_000
    # The co-ops are left out; together they are three, so the others need not hide them.
    assert [group.key for group in data.by_kind] == ["bewonersbedrijf"]
    assert data.by_kind[0].median_market_share == 50
    assert data.overall.social_enterprises == 2  # 80 % and 100 %
    assert data.overall.share_with_real_estate == Decimal("16.7")  # one of six
    assert data.overall.real_estate.share_buildings_owned == 50
    # 310 000 of 600 000 from sales (51.67 %), 290 000 subsidies (48.33 %)
    assert data.overall.stream_percentages["income_sales"] == 52
    assert data.overall.stream_percentages["income_subsidies"] == 48


def test_benchmark_hides_a_group_whose_figures_would_follow_from_the_others(client):
    """Three of one kind and one of another: the three's figures subtracted from the total
    would give away the one, so neither is shown."""
    for _ in range(3):
        YearFiguresFactory(enterprise=EnterpriseFactory(kind="bewonersbedrijf"))
    YearFiguresFactory(enterprise=EnterpriseFactory(kind="energiecooperatie"))
    data = client.get(reverse("enterprises:benchmark")).context["benchmark"]
    assert data.overall.count == 4
    assert data.by_kind == []


def test_a_member_sees_where_their_enterprise_stands(client):
    member = UserFactory()
    for sales in (10_000, 30_000, 50_000):
        enterprise = EnterpriseFactory(kind="bewonersbedrijf", name=f"Peer {sales}")
        YearFiguresFactory(
            enterprise=enterprise, income_sales=sales, income_rent=0, income_subsidies=50_000
        )
    MembershipFactory(enterprise=enterprise, user=member)
    client.force_login(member)
    own = client.get(reverse("enterprises:benchmark")).context["own"]
    assert [row["name"] for row in own] == ["Peer 50000"]
    assert own[0]["market_share"] == 50
    assert own[0]["peers"].median_market_share == Decimal("37.5")
    assert "Peer 10000" not in client.get(reverse("enterprises:benchmark")).content.decode()


def test_only_officers_can_narrow_the_benchmark_to_a_municipality(client):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    YearFiguresFactory(enterprise=EnterpriseFactory(municipality=utrecht))
    YearFiguresFactory(enterprise=EnterpriseFactory())
    assert (
        client.get(reverse("enterprises:benchmark"), {"gemeente": "utrecht"})
        .context["benchmark"]
        .overall.count
        == 2
    )
    client.force_login(MunicipalOfficerFactory())
    narrowed = client.get(reverse("enterprises:benchmark"), {"gemeente": "utrecht"})
    assert narrowed.context["benchmark"].overall.count == 1
    assert narrowed.context["benchmark"].municipality == utrecht


def test_open_data_exports_apply_filters_and_hold_no_personal_data(client):
    owner = UserFactory(email="prive.persoon@example.org")
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    enterprise = EnterpriseFactory(
        name="Buurtstroom, Utrecht", municipality=utrecht, address="Geheimstraat 1"
    )
    MembershipFactory(enterprise=enterprise, user=owner)
    YearFiguresFactory(enterprise=enterprise)
    EnterpriseFactory(name="Elders")
    EnterpriseFactory(name="Concept", status=EnterpriseStatus.CONCEPT)

    response = client.get(reverse("enterprises:export_csv"), {"gemeente": "utrecht"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["name"] for row in rows] == ["Buurtstroom, Utrecht"]
    assert rows[0]["cbs_code"] == "GM0344"
    assert rows[0]["market_share"] == "70.0"
    assert "prive.persoon" not in body and "Geheimstraat" not in body

    data = json.loads(client.get(reverse("enterprises:export_json")).content)
    assert data["count"] == 2
    assert {row["name"] for row in data["results"]} == {"Buurtstroom, Utrecht", "Elders"}
    assert "prive.persoon" not in json.dumps(data)


def test_the_sitemap_lists_published_enterprises_only(client):
    public = EnterpriseFactory()
    hidden = EnterpriseFactory(status=EnterpriseStatus.CONCEPT)
    xml = client.get("/sitemap.xml").content.decode()
    assert public.get_absolute_url() in xml
    assert hidden.get_absolute_url() not in xml


def test_the_open_data_keeps_loans_out_of_the_income(client):
    enterprise = EnterpriseFactory(name="Lenend Buurtbedrijf")
    YearFiguresFactory(enterprise=enterprise, year=2024, income_loans=20_000)  # + 100 000 income
    rows = client.get(reverse("enterprises:export_json")).json()["results"]
    row = next(row for row in rows if row["name"] == "Lenend Buurtbedrijf")
    assert (row["total_income"], row["loans"]) == (100_000, 20_000)


def test_a_visitors_own_parameters_never_reach_the_cached_page_links(client):
    """The list is cached for everyone: its page links carry the directory's own parameters,
    not whatever the first visitor put in the address bar."""
    for number in range(30):
        EnterpriseFactory(name=f"Onderneming {number:02d}")
    assert client.get(INDEX, {"utm_source": "reclame"}).status_code == 200
    page = client.get(INDEX).content.decode()
    assert "utm_source" not in page
    assert 'href="?pagina=2"' in page
