"""The municipality's figures together, checked against sums and medians worked out by hand."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
import time_machine

from enterprises.models import AssetKind, Enterprise, EnterpriseStatus, GroundTenure, Tenure
from municipalities import selectors
from municipalities.brief import brief_html
from tests.factories import (
    AssetFactory,
    EnterpriseFactory,
    MunicipalityFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 1)  # 2024 is the latest complete year; 2025 is still running


def _figures(enterprise, year=2024, **values):
    defaults = dict.fromkeys(
        [
            "income_sales",
            "income_rent",
            "income_contributions",
            "income_public_contracts",
            "income_subsidies",
            "income_funds",
            "income_donations",
            "income_loans",
            "expenses",
            "volunteers",
            "people_from_benefits",
            "residents_reached",
        ],
        0,
    )
    defaults["paid_staff_fte"] = 0
    defaults.update(values)
    return YearFiguresFactory(enterprise=enterprise, year=year, **defaults)


@pytest.fixture
def town():
    """Three reporting enterprises here, one elsewhere; rows that must not count around them."""
    here = MunicipalityFactory(name="Proefstad", slug="proefstad")
    elsewhere = MunicipalityFactory()
    one, two, three = (EnterpriseFactory(municipality=here) for _ in range(3))
    _figures(
        one,
        income_sales=60_000,
        income_subsidies=40_000,
        paid_staff_fte=Decimal("2.0"),
        volunteers=10,
        people_from_benefits=1,
        residents_reached=300,
    )
    _figures(
        two,
        income_sales=20_000,
        income_subsidies=20_000,
        income_funds=10_000,
        paid_staff_fte=Decimal("1.5"),
        volunteers=30,
        people_from_benefits=2,
        residents_reached=500,
    )
    _figures(
        three,
        income_rent=150_000,
        income_public_contracts=50_000,
        paid_staff_fte=Decimal("4.0"),
        volunteers=5,
        people_from_benefits=3,
        residents_reached=1000,
    )
    # Not counted: an older year, the running year, a concept, and another municipality's
    # enterprise (which does count nationally).
    _figures(one, year=2023, income_sales=999_999)
    _figures(two, year=2025, income_sales=999_999)
    concept = EnterpriseFactory(municipality=here, status=EnterpriseStatus.CONCEPT)
    _figures(concept, income_sales=999_999)
    other = EnterpriseFactory(municipality=elsewhere)
    _figures(other, income_sales=10_000, volunteers=8, residents_reached=40)
    AssetFactory(enterprise=one, kind=AssetKind.BUILDING, tenure=Tenure.OWNERSHIP)
    AssetFactory(
        enterprise=one, kind=AssetKind.LAND, ground_tenure=GroundTenure.LEASEHOLD, name="Moestuin"
    )
    AssetFactory(enterprise=three, kind=AssetKind.BUILDING, tenure=Tenure.RENT)
    AssetFactory(enterprise=concept, kind=AssetKind.BUILDING)
    return here


def test_totals_over_the_latest_complete_year_match_hand_computed_figures(town):
    data = selectors.municipal_figures(town, today=TODAY)
    assert (data.year, data.count, data.shown) == (2024, 3, True)
    assert data.total_turnover == 350_000
    rows = {row.key: row for row in data.rows}
    assert rows["turnover"].total == 350_000
    assert rows["turnover"].median_here == 100_000
    # Nationally 10 000, 50 000, 100 000 and 200 000: the median is halfway the middle two.
    assert rows["turnover"].national_median == 75_000
    assert rows["paid_staff_fte"].total == Decimal("7.5")
    assert rows["paid_staff_fte"].median_here == Decimal("2.0")
    assert rows["paid_staff_fte"].national_median == Decimal("1.75")
    assert rows["volunteers"].total == 45
    assert rows["volunteers"].national_median == 9
    assert rows["people_from_benefits"].total == 6
    assert rows["residents_reached"].total == 1800
    assert rows["residents_reached"].median_here == 500
    assert (rows["buildings"].total, rows["land"].total) == (2, 1)
    assert rows["buildings"].national_median == Decimal("0.5")


def test_income_mix_adds_up_to_a_hundred_percent(town):
    data = selectors.municipal_figures(town, today=TODAY)
    assert data.stream_totals["income_rent"] == 150_000
    assert data.stream_totals["income_sales"] == 80_000
    # 22.86 / 42.86 / 17.14 / 2.86 / 14.29: the three largest remainders get the missing points.
    assert data.stream_percentages == {
        "income_sales": 23,
        "income_rent": 43,
        "income_contributions": 0,
        "income_public_contracts": 14,
        "income_subsidies": 17,
        "income_funds": 3,
        "income_donations": 0,
    }
    assert data.loans == 0  # financing: apart from the turnover and its mix


def test_fewer_than_three_reporting_enterprises_hide_the_totals():
    town = MunicipalityFactory()
    for turnover in (40_000, 60_000):
        _figures(EnterpriseFactory(municipality=town), income_sales=turnover)
    EnterpriseFactory(municipality=town)  # published, but without figures
    data = selectors.municipal_figures(town, today=TODAY)
    assert (data.year, data.count, data.shown) == (2024, 2, False)
    assert data.rows == [] and data.total_turnover == 0


def _figures_section(html: str) -> str:
    """The text of the page's "Figures together" section, its white space folded."""
    section = re.search(r'<section aria-labelledby="figures-title">(.*?)</section>', html, re.S)
    assert section, "the page has no figures section"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", section.group(1))).split())


def test_page_says_why_the_totals_are_hidden(client):
    town = MunicipalityFactory(slug="tweedorp")
    for turnover in (40_000, 60_000):
        _figures(EnterpriseFactory(municipality=town), income_sales=turnover)
    EnterpriseFactory(municipality=town)  # published, but without figures: not counted
    with time_machine.travel(TODAY, tick=False):
        response = client.get("/gemeenten/tweedorp/")
    assert response.status_code == 200
    html = response.content.decode()
    # By hand: over 2024 two enterprises here reported (40 000 and 60 000); totals need three.
    assert _figures_section(html) == (
        "Cijfers samen Over 2024 gaven 2 ondernemingen hier hun cijfers op. Totalen tonen we "
        "vanaf 3 ondernemingen, zodat geen enkele onderneming erin te herkennen is. "
        "Bekijk de landelijke benchmark"
    )
    assert 'class="table mun-figures"' not in html
    assert "100.000" not in html  # their total, which would give each away to the other


def test_page_shows_the_hand_computed_total(client, town):
    with time_machine.travel(TODAY, tick=False):
        response = client.get("/gemeenten/proefstad/")
    assert response.status_code == 200
    html = response.content.decode()
    # By hand: 60 000 + 40 000, 20 000 + 20 000 + 10 000 and 150 000 + 50 000 over 2024 make
    # 350 000 from three enterprises; the older year, the running one, the concept and the
    # enterprise elsewhere stay out.
    assert "Over 2024, het laatste volledige jaar, van de 3 ondernemingen" in _figures_section(html)
    rows, _table = _figure_rows(html)
    assert rows["Totale omzet"][2] == ("Alle ondernemingen hier samen", "€ 350.000")


def test_municipality_without_figures_has_an_empty_state(client):
    town = MunicipalityFactory(slug="leegdorp")
    EnterpriseFactory(municipality=town, name="Enige Onderneming")
    response = client.get("/gemeenten/leegdorp/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enige Onderneming" in html
    assert selectors.municipal_figures(town).year is None


def test_a_year_with_too_few_reports_yet_falls_back_to_the_last_full_one(town):
    # In 2026 only one enterprise has reported over 2025: 2024 (three reports) is shown.
    data = selectors.municipal_figures(town, today=date(2026, 5, 1))
    assert (data.year, data.count) == (2024, 3)


def test_national_medians_follow_new_figures(town):
    before = selectors.municipal_figures(town, today=TODAY)
    assert {row.key: row for row in before.rows}["turnover"].national_median == 75_000
    # A fifth enterprise elsewhere reports 1 000 000: the cached national median moves along.
    _figures(EnterpriseFactory(), income_sales=1_000_000)
    after = selectors.municipal_figures(town, today=TODAY)
    assert {row.key: row for row in after.rows}["turnover"].national_median == 100_000


def test_national_medians_follow_changed_assets(town):
    before = selectors.municipal_figures(town, today=TODAY)
    assert {row.key: row for row in before.rows}["buildings"].national_median == Decimal("0.5")
    # The enterprise elsewhere buys a building: nationally 1, 0, 1, 1 buildings, median 1.
    elsewhere = Enterprise.objects.exclude(municipality=town).get()
    building = AssetFactory(enterprise=elsewhere, kind=AssetKind.BUILDING)
    after = selectors.municipal_figures(town, today=TODAY)
    assert {row.key: row for row in after.rows}["buildings"].national_median == 1
    building.delete()  # and sells it again
    again = selectors.municipal_figures(town, today=TODAY)
    assert {row.key: row for row in again.rows}["buildings"].national_median == Decimal("0.5")


def _figure_rows(html: str) -> tuple[dict[str, list[tuple[str, str]]], str]:
    """The figures table as a reader meets it: per measure, (column label, value) in order."""
    found = re.search(r'<table class="table mun-figures".*?</table>', html, re.S)
    assert found is not None, "the page has no figures table"
    table = found.group(0)
    rows = {}
    for label, cells in re.findall(r'role="rowheader">([^<]+)</th>(.*?)</tr>', table, re.S):
        rows[label] = [
            (column, unescape(value).replace("\xa0", " "))
            for column, value in re.findall(r'data-label="([^"]+)">([^<]+)</td>', cells)
        ]
    return rows, table


@pytest.mark.parametrize("where", ["page", "brief"])
def test_the_two_medians_stand_side_by_side_and_the_total_apart(client, town, where):
    """Like beside like, at every width and in the brief: the median per enterprise here beside
    the national one, the total of the enterprises here in a column of its own. No column is
    hidden on a phone (the page's CSS stacks each measure instead)."""
    if where == "page":
        html = client.get("/gemeenten/proefstad/").content.decode()
    else:
        html = brief_html(town)
    rows, table = _figure_rows(html)
    assert rows["Totale omzet"] == [
        ("Mediaan hier", "€ 100.000"),
        ("Mediaan landelijk", "€ 75.000"),
        ("Alle ondernemingen hier samen", "€ 350.000"),
    ]
    assert rows["Betaalde krachten (fte)"] == [
        ("Mediaan hier", "2"),
        ("Mediaan landelijk", "1,8"),
        ("Alle ondernemingen hier samen", "7,5"),
    ]
    assert len(rows) == 7 and all(len(cells) == 3 for cells in rows.values())
    heads = re.findall(r"<th [^>]*>([^<]+)</th>", table.split("<tbody")[0])
    assert heads == [
        "Maat",
        "Mediaan per onderneming",
        "Alle ondernemingen hier samen",
        "hier",
        "landelijk",
    ]
    assert 'scope="colgroup" colspan="2"' in table
    assert "mun-wide" not in table
