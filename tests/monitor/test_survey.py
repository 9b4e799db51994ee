"""A small survey entered as new users would: every enterprise signs up, registers, fills in its
profile, assets and figures over 2025 through the real forms, submits, and staff publish it.
Then every figure of the monitor of 2025 is compared with values worked out by hand (below,
next to the data). One enterprise borrows money: the loan is not turnover. One published
enterprise reports nothing over 2025: it changes no figure.

By hand, the six that reported over 2025 (euros; market / public / private share of turnover):
    A  bewonersbedrijf  Utrecht (U)         turnover 100 000  90 / 10 / 0      loan 50 000
    B  bewonersbedrijf  Amersfoort (U)      turnover 100 000  20 / 40 / 40
    C  bewonersbedrijf  's-Gravenhage (ZH)  turnover 300 000  66.67 / 33.33 / 0
    D  wijkonderneming  Rotterdam (ZH)      turnover  50 000  10 / 90 / 0      no expenses
    E  wijkonderneming  Utrecht (U)         turnover  50 000  80 / 0 / 20
    G  wijkonderneming  Delft (ZH)          turnover 100 000  40 / 35 / 25
    F  dorpscooperatie  Groningen           nothing over 2025 (figures over 2024 only)
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseStatus, Municipality, Theme, YearFigures
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
ZERO = dict.fromkeys(
    (
        "income_sales",
        "income_rent",
        "income_contributions",
        "income_public_contracts",
        "income_subsidies",
        "income_funds",
        "income_donations",
        "income_loans",
    ),
    "0",
)

SURVEY = [
    {
        "key": "A",
        "name": "Buurtbedrijf Alfa",
        "kind": "bewonersbedrijf",
        "municipality": "GM0344",  # Utrecht
        "themes": ["energie", "groen"],
        "assets": [
            {
                "kind": "gebouw",
                "name": "Het badhuis",
                "tenure": "eigendom",
                "ground_tenure": "erfpacht",
            },
            {"kind": "grond", "name": "De pachttuin", "ground_tenure": "huur"},
        ],
        "figures": {
            YEAR: {
                "income_sales": "60.000",
                "income_rent": "€ 30.000",
                "income_subsidies": "10000",
                "income_loans": "50.000",
                "expenses": "95.000",
                "paid_staff_fte": "2,5",
                "volunteers": "20",
                "people_from_benefits": "2",
            }
        },
    },
    {
        "key": "B",
        "name": "Zorgcoöperatie Bravo",
        "kind": "bewonersbedrijf",
        "municipality": "GM0307",  # Amersfoort
        "themes": ["zorg-en-welzijn"],
        "assets": [{"kind": "gebouw", "name": "Het wijkhuis", "tenure": "huur"}],
        "figures": {
            YEAR: {
                "income_sales": "20.000",
                "income_public_contracts": "40.000",
                "income_funds": "20.000",
                "income_donations": "20.000",
                "expenses": "100.000",
                "paid_staff_fte": "1",
                "volunteers": "40",
                "people_from_benefits": "5",
            }
        },
    },
    {
        "key": "C",
        "name": "Wijkbedrijf Charlie",
        "kind": "bewonersbedrijf",
        "municipality": "GM0518",  # 's-Gravenhage
        "themes": ["energie"],
        "assets": [
            {
                "kind": "gebouw",
                "name": "De oude school",
                "tenure": "eigendom",
                "ground_tenure": "eigendom",
            },
            {"kind": "gebouw", "name": "Het buurthuis", "tenure": "beheer"},
        ],
        "figures": {
            YEAR: {
                "income_rent": "150.000",
                "income_contributions": "50.000",
                "income_subsidies": "100.000",
                "expenses": "280.000",
                "paid_staff_fte": "4",
                "volunteers": "10",
                "people_from_benefits": "0",
            }
        },
    },
    {
        "key": "D",
        "name": "Groen Delta",
        "kind": "wijkonderneming",
        "municipality": "GM0599",  # Rotterdam
        "themes": ["groen"],
        "assets": [],
        "figures": {
            YEAR: {
                "income_sales": "5.000",
                "income_subsidies": "45.000",
                "expenses": "0",
                "paid_staff_fte": "0",
                "volunteers": "15",
                "people_from_benefits": "1",
            }
        },
    },
    {
        "key": "E",
        "name": "Wijkwinkel Echo",
        "kind": "wijkonderneming",
        "municipality": "GM0344",  # Utrecht
        "themes": ["groen"],
        "assets": [{"kind": "grond", "name": "De moestuin", "ground_tenure": "eigendom"}],
        "figures": {
            YEAR: {
                "income_sales": "30.000",
                "income_contributions": "10.000",
                "income_funds": "10.000",
                "expenses": "45.000",
                "paid_staff_fte": "0,5",
                "volunteers": "8",
                "people_from_benefits": "0",
            }
        },
    },
    {
        "key": "G",
        "name": "Buurtkeuken Golf",
        "kind": "wijkonderneming",
        "municipality": "GM0503",  # Delft
        "themes": ["zorg-en-welzijn"],
        "assets": [],
        "figures": {
            YEAR: {
                "income_sales": "40.000",
                "income_subsidies": "35.000",
                "income_donations": "25.000",
                "expenses": "90.000",
                "paid_staff_fte": "1,5",
                "volunteers": "12",
                "people_from_benefits": "4",
            }
        },
    },
    {
        "key": "F",
        "name": "Dorpscoöperatie Foxtrot",
        "kind": "dorpscooperatie",
        "municipality": "GM0014",  # Groningen
        "themes": ["energie"],
        "assets": [
            {
                "kind": "gebouw",
                "name": "De dorpsschuur",
                "tenure": "eigendom",
                "ground_tenure": "eigendom",
            }
        ],
        # Only 2024: it must change nothing in 2025 (the 2024 column of the trends only).
        "figures": {
            YEAR - 1: {
                "income_sales": "999.000",
                "expenses": "10.000",
                "volunteers": "99",
                "paid_staff_fte": "9",
                "people_from_benefits": "9",
            }
        },
    },
]


def _link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _ok(response) -> None:
    """A form post that was accepted answers with a redirect (a refused one shows the form)."""
    assert response.status_code == 302, response.content.decode()[:3000]


def _enter(entry: dict, password: str, staff_client: Client) -> Enterprise:
    """One enterprise, from sign-up to publication, through the portal's own forms."""
    client = Client()
    email = f"{entry['key'].lower()}@survey.example"
    mail.outbox.clear()
    _ok(
        client.post(
            reverse("account_signup"),
            {"email": email, "password1": password, "password2": password},
        )
    )
    confirm = _link_in(mail.outbox[0])
    _ok(client.post(confirm))
    _ok(client.post(reverse("account_login"), {"login": email, "password": password}))

    municipality = Municipality.objects.get(cbs_code=entry["municipality"])
    response = client.post(
        reverse("enterprises:register"),
        {
            "name": entry["name"],
            "kind": entry["kind"],
            "municipality": municipality.pk,
            "neighbourhood": "Proefwijk",
        },
    )
    _ok(response)
    enterprise = Enterprise.objects.get(name=entry["name"])
    slug = enterprise.slug
    _ok(
        client.post(
            reverse("enterprises:edit", kwargs={"slug": slug}),
            {
                "name": entry["name"],
                "kind": entry["kind"],
                "legal_form": "stichting",
                "founded_year": "2015",
                "municipality": municipality.pk,
                "neighbourhood": "Proefwijk",
                "pitch": "Bewoners doen het samen.",
                "mission": "De winst gaat terug naar de wijk.",
                "themes": [Theme.objects.get(slug=theme).pk for theme in entry["themes"]],
            },
        )
    )
    for asset in entry["assets"]:
        data = {"tenure": "", "ground_tenure": "", "size_m2": "300", **asset}
        _ok(client.post(reverse("enterprises:asset_add", kwargs={"slug": slug}), data))
    for year, typed in entry["figures"].items():
        data = {**ZERO, "residents_reached": "100", **typed}
        # The address a reporting round's mail links to: the year's own form.
        url = reverse("enterprises:figures_edit", kwargs={"slug": slug, "year": year})
        _ok(client.post(url, data))
    _ok(client.post(reverse("enterprises:submit", kwargs={"slug": slug})))
    _ok(
        staff_client.post(
            reverse("enterprises:review", kwargs={"slug": slug}), {"decision": "publish"}
        )
    )
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.PUBLISHED
    return enterprise


@pytest.fixture
def survey(password):
    staff_client = Client()
    staff_client.force_login(StaffFactory())
    return {entry["key"]: _enter(entry, password, staff_client) for entry in SURVEY}


def _monitor(client, year=YEAR):
    response = client.get(reverse("monitor:year", kwargs={"year": year}))
    assert response.status_code == 200
    return response.context["monitor"], response.content.decode()


def test_every_monitor_figure_matches_the_survey_worked_out_by_hand(client, survey):
    monitor, html = _monitor(client)
    overall = monitor.overall

    # Who: six reported over 2025; F (published, figures over 2024 only) is not among them.
    assert overall.count == 6
    assert overall.with_turnover == 6

    # Money. 100 + 100 + 300 + 50 + 50 + 100 thousand; A's loan of 50 000 is not turnover.
    assert overall.turnover == 700_000
    assert overall.loans == 50_000
    assert overall.streams == {
        "income_sales": 155_000,
        "income_rent": 180_000,
        "income_contributions": 60_000,
        "income_public_contracts": 40_000,
        "income_subsidies": 190_000,
        "income_funds": 30_000,
        "income_donations": 45_000,
        "income_loans": 50_000,
    }
    # 22.14 25.71 8.57 5.71 27.14 4.29 6.43: floors add up to 97, the three largest
    # remainders (rent .71, public contracts .71, contributions .57) get a point each.
    assert overall.stream_percentages == {
        "income_sales": 22,
        "income_rent": 26,
        "income_contributions": 9,
        "income_public_contracts": 6,
        "income_subsidies": 27,
        "income_funds": 4,
        "income_donations": 6,
    }
    assert (overall.market, overall.public, overall.private) == (395_000, 230_000, 75_000)
    # 395/700 = 56.43 %, 230/700 = 32.86 %, 75/700 = 10.71 %
    assert overall.market_share == Decimal("56.4")
    assert overall.public_share == Decimal("32.9")
    assert overall.private_share == Decimal("10.7")
    # Each enterprise's market share: 10, 20, 40, 66.67, 80, 90 -> (40 + 66.67) / 2
    assert overall.median_market_share == Decimal("53.3")
    # Public: 0, 10, 33.33, 35, 40, 90 -> (33.33 + 35) / 2 = 34.17
    assert overall.median_public_share == Decimal("34.2")
    # Private: 0, 0, 0, 20, 25, 40 -> (0 + 20) / 2
    assert overall.median_private_share == Decimal("10.0")
    # At least 75 % from the market: A (90 %) and E (80 %).
    assert overall.social_enterprises == 2
    assert overall.share_market_mark == Decimal("33.3")
    # Turnover: 50, 50, 100, 100, 100, 300 thousand.
    assert overall.median_turnover == 100_000

    # People.
    assert overall.paid_staff_fte == Decimal("9.5")  # 2.5 + 1 + 4 + 0 + 0.5 + 1.5
    assert overall.median_paid_staff_fte == Decimal("1.25")  # 0 0.5 1 | 1.5 2.5 4
    assert overall.volunteers == 105  # 20 + 40 + 10 + 15 + 8 + 12
    assert overall.median_volunteers == Decimal("13.5")  # 8 10 12 | 15 20 40
    assert overall.people_from_benefits == 12
    assert overall.median_people_from_benefits == Decimal("1.5")  # 0 0 1 | 2 4 5

    # Real estate of the six (F's barn is not theirs): A, B, C and E hold some.
    estate = overall.real_estate
    assert estate.with_real_estate == 4
    assert overall.share_with_real_estate == Decimal("66.7")
    assert (estate.buildings, estate.buildings_owned, estate.buildings_on_leasehold) == (4, 2, 1)
    assert (estate.buildings_rented, estate.buildings_managed) == (1, 1)
    assert estate.share_buildings_owned == Decimal("50.0")
    # Ground: A's building (leasehold) and garden (rented), C's school (owned), E's plot (owned).
    assert (estate.ground, estate.ground_owned, estate.ground_leasehold) == (4, 2, 1)
    assert (estate.ground_rented, estate.ground_managed) == (1, 0)

    # Groups: three per kind and per province; of the themes only 'groen' (A, D, E) has three.
    groups = {table.by: {g.key: g for g in table.groups} for table in monitor.groupings}
    assert set(groups["kind"]) == {"bewonersbedrijf", "wijkonderneming"}
    residents = groups["kind"]["bewonersbedrijf"]  # A, B, C
    assert residents.count == 3
    assert residents.median_turnover == 100_000
    assert residents.median_market_share == Decimal("66.7")  # 20, 66.67, 90
    assert residents.social_enterprises == 1
    assert residents.median_paid_staff_fte == Decimal("2.50")  # 1, 2.5, 4
    assert residents.share_with_real_estate == Decimal("100.0")
    neighbourhood = groups["kind"]["wijkonderneming"]  # D, E, G
    assert neighbourhood.median_turnover == 50_000
    assert neighbourhood.median_market_share == Decimal("40.0")  # 10, 40, 80
    assert neighbourhood.median_volunteers == 12  # 8, 12, 15
    assert neighbourhood.share_with_real_estate == Decimal("33.3")
    assert set(groups["province"]) == {"utrecht", "zuid-holland"}
    assert groups["province"]["utrecht"].median_market_share == Decimal("80.0")  # 20, 80, 90
    assert groups["province"]["zuid-holland"].social_enterprises == 0
    assert set(groups["theme"]) == {"groen"}
    assert groups["theme"]["groen"].median_market_share == Decimal("80.0")  # 10, 80, 90
    assert [table.left_out for table in monitor.groupings] == [0, 2, 0]  # energie, zorg

    # The page says it in Dutch, with the population named.
    assert "6 ondernemingen rapporteerden over 2025." in html
    assert "€ 700.000" in html
    assert "€ 50.000" in html  # the loans, on their own line
    assert "2 van de 6 ondernemingen met omzet (33,3%)" in html
    assert "4 van de 6 ondernemingen (67%) exploiteren vastgoed" in html


def test_the_survey_gives_the_same_figures_to_the_benchmark(client, survey):
    response = client.get(reverse("enterprises:benchmark"), {"jaar": str(YEAR)})
    data = response.context["benchmark"]
    assert data.year == YEAR
    assert (data.overall.count, data.overall.turnover, data.overall.loans) == (6, 700_000, 50_000)
    assert data.overall.median_market_share == Decimal("53.3")
    assert [group.key for group in data.by_kind] == ["bewonersbedrijf", "wijkonderneming"]
    html = response.content.decode()
    assert "6 ondernemingen die over 2025 rapporteerden" in html


def test_the_survey_gives_the_same_figures_to_a_municipality(client, survey):
    """Utrecht has A and E: two reporters, so its totals are hidden; the national medians on
    any municipality page are those of the monitor."""
    from municipalities import selectors

    national = selectors.national_figures(YEAR)
    assert (national.stats.count, national.median("median_turnover")) == (6, 100_000)
    assert national.median("median_paid_staff_fte") == Decimal("1.25")
    # Buildings per enterprise: A 1, B 1, C 2, D 0, E 0, G 0 -> (0 + 1) / 2; plots: A, E 1.
    assert national.median("buildings") == Decimal("0.5")
    assert national.median("plots") == 0
    assert (national.total("buildings"), national.total("plots")) == (4, 2)
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    assert selectors.measures.figures_by(selectors.published_in(utrecht), YEAR)[""].count == 2


def test_implausible_figures_are_flagged_not_refused(survey):
    delta = YearFigures.objects.get(enterprise=survey["D"], year=YEAR)
    assert delta.flags == ["no-expenses"]  # 50 000 turnover, no expenses: saved, flagged
    assert YearFigures.objects.get(enterprise=survey["A"], year=YEAR).flags == []


def test_a_year_without_reports_is_not_a_monitor_year(client, survey):
    assert client.get(reverse("monitor:year", kwargs={"year": 2019})).status_code == 404
    # F's 2024 stands alone in 2024: shown as that year's trend point only.
    monitor, _html = _monitor(client)
    assert [(point.year, point.stats.count) for point in monitor.trend] == [(2024, 1), (2025, 6)]


def test_the_largest_amounts_the_form_takes_do_not_break_the_figures(client):
    """Two billion euros in every stream (the form's maximum): 64-bit sums on PostgreSQL."""
    from enterprises.forms import MAX_EUROS
    from tests.factories import EnterpriseFactory, YearFiguresFactory

    streams = dict.fromkeys(ZERO, MAX_EUROS)
    for _ in range(3):
        YearFiguresFactory(enterprise=EnterpriseFactory(), year=YEAR, **streams)
    monitor, _html = _monitor(client)
    assert monitor.overall.turnover == 3 * 7 * MAX_EUROS
    assert monitor.overall.loans == 3 * MAX_EUROS
    assert monitor.overall.market_share == Decimal("42.9")  # three of the seven streams
    assert monitor.overall.social_enterprises == 0
