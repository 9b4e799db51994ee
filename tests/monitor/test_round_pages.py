"""The staff pages of the reporting rounds: numbers worked out by hand, the list of those who
have not answered (on the page and as CSV), flagged figures, closing and correcting, and that
nobody but staff finds these pages."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises import services as enterprise_services
from enterprises.models import EnterpriseKind, EnterpriseStatus, MembershipRole, Province
from lsa_portal.models import AuditAction, AuditEntry
from monitor import selectors, services
from monitor.models import MonitorEdition, ReportingRound, RoundReminder
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    StaffFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
YEAR = 2025
OPENED = datetime(2026, 3, 1, 10, tzinfo=AMSTERDAM)
DEADLINE = date(2026, 4, 1)
DURING = datetime(2026, 3, 20, 10, tzinfo=AMSTERDAM)


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def sector():
    """Five published enterprises in two provinces, two of which reported over 2025; a concept
    with figures (never invited) and an enterprise kept by staff alone among the waiting."""
    utrecht = MunicipalityFactory(name="Stichtstad", province=Province.UTRECHT)
    groningen = MunicipalityFactory(name="Noorderdorp", province=Province.GRONINGEN)
    made = {}
    with time_machine.travel(OPENED, tick=False):
        for name, town, kind, reported, members in [
            ("Utrecht Een", utrecht, EnterpriseKind.WIJKONDERNEMING, True, 1),
            ("Utrecht Twee", utrecht, EnterpriseKind.WIJKONDERNEMING, False, 2),
            ("Utrecht Drie", utrecht, EnterpriseKind.ENERGIECOOPERATIE, True, 1),
            ("Groningen Een", groningen, EnterpriseKind.ENERGIECOOPERATIE, False, 1),
            ("Groningen Twee", groningen, EnterpriseKind.BEWONERSBEDRIJF, False, 0),
        ]:
            enterprise = EnterpriseFactory(
                name=name,
                municipality=town,
                kind=kind,
                contact_name=f"Contact {name}",
                contact_email=f"contact-{enterprise_slug(name)}@example.org",
            )
            for number in range(members):
                MembershipFactory(
                    enterprise=enterprise,
                    user=UserFactory(email=f"lid{number}-{enterprise_slug(name)}@example.org"),
                    role=MembershipRole.OWNER if number == 0 else MembershipRole.EDITOR,
                )
            if reported:
                YearFiguresFactory(enterprise=enterprise, year=YEAR)
            made[name] = enterprise
        concept = EnterpriseFactory(
            name="Concept Met Cijfers", status=EnterpriseStatus.CONCEPT, published_at=None
        )
        YearFiguresFactory(enterprise=concept, year=YEAR)
    return made


def enterprise_slug(name: str) -> str:
    return name.lower().replace(" ", "-")


@pytest.fixture
def round_(sector, staff, django_capture_on_commit_callbacks):
    with time_machine.travel(OPENED, tick=False), django_capture_on_commit_callbacks(execute=True):
        opened = services.open_round(year=YEAR, deadline=DEADLINE, reminder_days="14,3", by=staff)
    fourteen_days_before = datetime(2026, 3, 18, 8, tzinfo=AMSTERDAM)
    with (
        time_machine.travel(fourteen_days_before, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.send_reminders()
    return opened


def page(client, year=YEAR) -> str:
    with time_machine.travel(DURING, tick=False):
        response = client.get(reverse("monitor:round", kwargs={"year": year}))
    assert response.status_code == 200
    return response.content.decode()


# --- The numbers -------------------------------------------------------------------------------


def test_progress_counts_invited_and_reported_per_province_and_kind(round_):
    progress = selectors.round_progress(YEAR)
    assert (progress.invited, progress.reported, progress.unmailed) == (5, 2, 1)
    assert progress.response == 40
    provinces = {g.key: (g.invited, g.reported) for g in progress.by_province}
    assert provinces == {"groningen": (2, 0), "utrecht": (3, 2)}
    kinds = {g.key: (g.invited, g.reported) for g in progress.by_kind}
    assert kinds == {
        "wijkonderneming": (2, 1),
        "energiecooperatie": (2, 1),
        "bewonersbedrijf": (1, 0),
    }
    # In the order of the provinces' list: Groningen before Utrecht.
    assert [g.response for g in progress.by_province] == [Decimal(0), Decimal("66.7")]
    waiting = [row.enterprise.name for row in progress.not_reported]
    assert waiting == ["Groningen Een", "Groningen Twee", "Utrecht Twee"]
    rows = {row.enterprise.name: row for row in progress.not_reported}
    assert rows["Utrecht Twee"].member_emails == [
        "lid0-utrecht-twee@example.org",
        "lid1-utrecht-twee@example.org",
    ]
    assert rows["Utrecht Twee"].reminders == [14]
    assert rows["Groningen Twee"].member_emails == [] and rows["Groningen Twee"].reminders == []
    schedule = [(step.days, step.on, step.sent) for step in progress.schedule]
    assert schedule == [(14, date(2026, 3, 18), 2), (3, date(2026, 3, 29), 0)]


def test_an_enterprise_published_but_not_yet_invited_does_not_count(round_):
    YearFiguresFactory(enterprise=EnterpriseFactory(), year=YEAR)
    progress = selectors.round_progress(YEAR)
    assert (progress.invited, progress.reported) == (5, 2)


def test_the_round_page_shows_the_numbers_the_bar_and_who_has_not_answered(staff_client, round_):
    html = page(staff_client)
    assert "<h1>Uitvraag 2025</h1>" in html
    assert "<dd>5</dd>" in html and "<dd>2 (40%)</dd>" in html
    assert 'class="progress"' in html and "Respons: 40%" in html
    assert '<rect width="40.00"' in html
    assert "style=" not in html  # the bar is SVG attributes: the CSP allows no inline style
    for name in ("Groningen Een", "Groningen Twee", "Utrecht Twee"):
        assert name in html
    assert "contact-groningen-een@example.org" in html
    assert "lid1-utrecht-twee@example.org" in html
    assert "niemand om te mailen" in html  # Groningen Twee is kept by staff alone
    assert "Respons per provincie" in html and "Noord-Holland" not in html
    assert "14 dagen voor de uiterste datum (18 maart 2026)" in html
    assert "verstuurd aan 2 ondernemingen" in html


def test_the_round_page_takes_a_constant_number_of_queries(staff_client, round_, staff):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(staff_client)
        return len(queries)

    few = count()
    more = [EnterpriseFactory() for _ in range(6)]
    for enterprise in more:
        MembershipFactory(enterprise=enterprise)
        MembershipFactory(enterprise=enterprise, role=MembershipRole.EDITOR)
        figures = YearFiguresFactory(enterprise=enterprise, year=YEAR, expenses=0)
        enterprise_services.save_year_figures(figures, by=staff)  # flagged
    with time_machine.travel(DURING, tick=False):
        services.send_reminders()  # invites them, late
    assert RoundReminder.objects.count() == 2
    assert count() == few


def test_the_rounds_list_shows_each_round_with_its_response(staff_client, round_):
    html = staff_client.get(reverse("monitor:rounds")).content.decode()
    assert "Uitvraag 2025" in html and "1 april 2026" in html
    assert "40%" in html and ">open<" in html


# --- Opening on the page -----------------------------------------------------------------------


def test_staff_open_a_round_on_the_page(staff_client, sector, django_capture_on_commit_callbacks):
    with time_machine.travel(OPENED, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("monitor:rounds"),
            {"year": "2025", "deadline": "01-04-2026", "reminder_days": "14,3"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:round", kwargs={"year": 2025})
    assert ReportingRound.objects.get().deadline == DEADLINE
    assert len(mail.outbox) == 4  # the four enterprises with members


def test_a_refused_round_says_why_in_dutch_next_to_the_field(staff_client, sector):
    with time_machine.travel(OPENED, tick=False):
        response = staff_client.post(
            reverse("monitor:rounds"),
            {"year": "2025", "deadline": "2026-02-01", "reminder_days": "14,x"},
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kies een uiterste datum in de toekomst." in html
    assert "Geef de herinneringen als hele aantallen dagen" in html
    assert 'aria-invalid="true"' in html
    assert not ReportingRound.objects.exists() and mail.outbox == []


# --- Those who have not answered, as CSV -------------------------------------------------------


def test_the_csv_lists_those_who_have_not_reported_and_is_audited(staff_client, round_, staff):
    with time_machine.travel(DURING, tick=False):
        response = staff_client.get(reverse("monitor:round_non_respondents", kwargs={"year": YEAR}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "niet-gereageerd-2025.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:6] == [
        "onderneming",
        "gemeente",
        "provincie",
        "soort",
        "contactpersoon",
        "e-mailadres contactpersoon",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Groningen Een", "Groningen Twee", "Utrecht Twee"}
    twee = by_name["Utrecht Twee"]
    assert twee[1:6] == [
        "Stichtstad",
        "Utrecht",
        "Wijkonderneming",
        "Contact Utrecht Twee",
        "contact-utrecht-twee@example.org",
    ]
    assert twee[6] == "lid0-utrecht-twee@example.org;lid1-utrecht-twee@example.org"
    assert twee[7] == "14"
    assert by_name["Groningen Twee"][6] == ""
    entry = AuditEntry.objects.get(action=AuditAction.DATA_EXPORTED)
    assert entry.actor == staff
    assert entry.details == {"export": "round_non_respondents", "year": YEAR, "rows": 3}


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(staff_client, round_):
    enterprise = EnterpriseFactory(name="=HYPERLINK(1)")
    round_.invitations.create(enterprise=enterprise)
    text = staff_client.get(
        reverse("monitor:round_non_respondents", kwargs={"year": YEAR})
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


# --- Flagged figures ---------------------------------------------------------------------------


def test_flagged_figures_are_listed_until_staff_mark_them_checked(staff_client, round_, staff):
    enterprise = round_.invitations.get(enterprise__name="Utrecht Twee").enterprise
    figures = YearFiguresFactory(enterprise=enterprise, year=YEAR, expenses=0)
    enterprise_services.save_year_figures(figures, by=staff)
    assert figures.flags == ["no-expenses"]
    html = page(staff_client)
    assert "Cijfers om na te gaan" in html and "inkomsten zonder uitgaven" in html
    url = reverse("monitor:figures_checked", kwargs={"year": YEAR, "pk": figures.pk})
    assert url in html

    response = staff_client.post(url)
    assert response.status_code == 302
    figures.refresh_from_db()
    assert figures.flags_checked_by == staff and figures.flags_checked_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.FIGURES_CHECKED).exists()
    after = page(staff_client)
    assert url not in after and "Niets na te gaan." in after
    assert figures.flags == ["no-expenses"]  # checked, not changed


def test_checking_figures_of_another_year_is_not_found(staff_client, round_, staff):
    enterprise = round_.invitations.first().enterprise
    other = YearFiguresFactory(enterprise=enterprise, year=YEAR - 1, expenses=0)
    url = reverse("monitor:figures_checked", kwargs={"year": YEAR, "pk": other.pk})
    assert staff_client.post(url).status_code == 404


# --- Closing and correcting on the pages -------------------------------------------------------


def test_closing_asks_for_confirmation_then_fixes_the_monitor(staff_client, round_, client):
    close = reverse("monitor:round_close", kwargs={"year": YEAR})
    html = page(staff_client)
    assert close in html
    with time_machine.travel(DURING, tick=False):
        confirm = staff_client.get(close).content.decode()
    assert "De uitvraag 2025 sluiten?" in confirm
    assert "2 van de 5 uitgenodigde ondernemingen" in confirm
    assert "nog niet voorbij" in confirm  # the deadline is still ahead
    assert ReportingRound.objects.get().is_open  # a GET changes nothing

    with time_machine.travel(datetime(2026, 4, 2, 9, tzinfo=AMSTERDAM), tick=False):
        response = staff_client.post(close)
    assert response.status_code == 302
    assert MonitorEdition.objects.get(year=YEAR).number == 1
    assert not ReportingRound.objects.get().is_open
    public = client.get(reverse("monitor:year", kwargs={"year": YEAR})).content.decode()
    assert "Vastgesteld op 2 april 2026" in public
    assert staff_client.get(close).status_code == 302  # closed: back to the round's page


def test_a_correction_needs_a_note_and_then_shows_on_the_public_page(
    staff_client, round_, staff, client
):
    with time_machine.travel(datetime(2026, 4, 2, 9, tzinfo=AMSTERDAM), tick=False):
        services.close_round(round_, by=staff)
    figures = round_.invitations.get(enterprise__name="Utrecht Een").enterprise.year_figures.get()
    with time_machine.travel(datetime(2026, 4, 10, 9, tzinfo=AMSTERDAM), tick=False):
        figures.income_sales = 80_000
        enterprise_services.save_year_figures(figures, by=staff)
    html = page(staff_client)
    assert "Correcties die wachten" in html and "Utrecht Een" in html.split("Correcties")[1]

    url = reverse("monitor:round_correction", kwargs={"year": YEAR})
    response = staff_client.post(url, {"note": "  "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zeg wat er is gecorrigeerd: lezers van de monitor zien het." in body
    assert 'aria-invalid="true"' in body
    assert MonitorEdition.objects.count() == 1

    with time_machine.travel(datetime(2026, 4, 11, 9, tzinfo=AMSTERDAM), tick=False):
        response = staff_client.post(url, {"note": "Utrecht Een verbeterde zijn verkoop."})
    assert response.status_code == 302
    assert MonitorEdition.objects.get(number=2).note == "Utrecht Een verbeterde zijn verkoop."
    public = client.get(reverse("monitor:year", kwargs={"year": YEAR})).content.decode()
    assert "Gecorrigeerd op 11 april 2026 (editie 2):" in public
    assert "Utrecht Een verbeterde zijn verkoop." in public
    assert "Er veranderden geen cijfers over dit jaar" in page(staff_client)


# --- Nobody else -------------------------------------------------------------------------------

STAFF_URLS = [
    ("monitor:rounds", {}, "get"),
    ("monitor:rounds", {}, "post"),
    ("monitor:round", {"year": YEAR}, "get"),
    ("monitor:round_close", {"year": YEAR}, "get"),
    ("monitor:round_close", {"year": YEAR}, "post"),
    ("monitor:round_correction", {"year": YEAR}, "post"),
    ("monitor:round_correction", {"year": YEAR}, "get"),
    ("monitor:figures_checked", {"year": YEAR, "pk": 0}, "post"),
    ("monitor:figures_checked", {"year": YEAR, "pk": 0}, "get"),
    ("monitor:round_non_respondents", {"year": YEAR}, "get"),
]


@pytest.fixture(params=["resident", "officer", "member"])
def outsider(request, round_):
    if request.param == "resident":
        return UserFactory()
    if request.param == "officer":
        return MunicipalOfficerFactory()
    return round_.invitations.get(enterprise__name="Utrecht Twee").enterprise.members.first()


@pytest.mark.parametrize(("name", "kwargs", "method"), STAFF_URLS)
def test_the_round_pages_do_not_exist_for_anyone_but_staff(
    client, outsider, round_, name, kwargs, method
):
    kwargs = {**kwargs, "pk": round_.pk} if "pk" in kwargs else kwargs
    client.force_login(outsider)
    before = (MonitorEdition.objects.count(), ReportingRound.objects.filter(closed_at=None).count())
    response = getattr(client, method)(reverse(name, kwargs=kwargs), {"note": "Weg ermee."})
    assert response.status_code == 404
    after = (MonitorEdition.objects.count(), ReportingRound.objects.filter(closed_at=None).count())
    assert after == before
    assert not AuditEntry.objects.filter(action=AuditAction.DATA_EXPORTED).exists()


@pytest.mark.parametrize(("name", "kwargs", "method"), STAFF_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, round_, name, kwargs, method):
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_staff_find_the_rounds_on_their_account_page(staff_client):
    html = staff_client.get(reverse("accounts:profile")).content.decode()
    assert reverse("monitor:rounds") in html


def test_others_do_not_see_the_link(client):
    client.force_login(UserFactory())
    assert reverse("monitor:rounds") not in client.get(reverse("accounts:profile")).content.decode()


def test_a_round_that_does_not_exist_is_not_found(staff_client):
    assert staff_client.get(reverse("monitor:round", kwargs={"year": 2019})).status_code == 404
    url = reverse("monitor:round_non_respondents", kwargs={"year": 2019})
    assert staff_client.get(url).status_code == 404
