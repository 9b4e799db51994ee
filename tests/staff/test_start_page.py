"""The staff start page: everything that waits for staff, each with its count and a link to
where staff act on it, made through the portal's own forms and services; the counts drop once
staff have acted. The page is for staff alone and is linked from the account menu."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enterprises import services as enterprise_services
from enterprises.models import (
    EnterpriseStatus,
    ImportBatch,
    ImportStatus,
    MembershipRole,
    Municipality,
)
from knowledge.models import AdviceRequest, CaseDescription, PdfJob
from lsa_portal import pdf_jobs
from lsa_portal.pdf import RenderedPdf
from lsa_portal.pdf_jobs import PdfJobStatus
from monitor import report as monitor_report
from monitor import services as monitor_services
from monitor.models import MonitorEdition, ReportJob
from municipalities import brief
from municipalities.models import BriefJob, LinkStatus, OfficerLink
from pioneers import services as pioneer_services
from pioneers.models import ApplicationStatus
from tests.factories import (
    ApplicationFactory,
    CaseDescriptionFactory,
    CohortFactory,
    EnterpriseFactory,
    MembershipFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    ReportFactory,
    ReportRequestFactory,
    StaffFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

START = reverse("staff:home")
THIS_YEAR = timezone.localdate().year
CLOSED_YEAR = THIS_YEAR - 2  # its round is closed: its monitor is fixed
OPEN_YEAR = THIS_YEAR - 1  # its round is open
NOTHING_WAITS = "Er wacht niets op u."

ITEM = re.compile(
    r'id="waiting-(?P<key>[\w-]+)">\s*'
    r'<(?:a class="waiting__row" href="(?P<url>[^"]*)"|span class="waiting__row")>'
    r'<span class="waiting__count">(?P<count>\d+)</span> <span class="waiting__text">'
    r"(?P<text>[^<]*)"
)


def waiting(html: str) -> dict[str, tuple[int, str, str | None]]:
    """Each item on the page: its count, its words and its link."""
    return {
        found["key"]: (
            int(found["count"]),
            unescape(found["text"]).strip(),
            unescape(found["url"]) if found["url"] is not None else None,
        )
        for found in ITEM.finditer(html)
    }


def counts(html: str) -> dict[str, int]:
    return {key: count for key, (count, _text, _url) in waiting(html).items() if count}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def start_page(client) -> str:
    response = client.get(START)
    assert response.status_code == 200
    return response.content.decode()


def broken_renderer(html):
    raise ValueError("de opmaakmachine gaf het op")


def working_renderer(html):
    return RenderedPdf(content=b"%PDF-1.7\n%fictief\n", pages=1)


# --- Who finds it -------------------------------------------------------------------------------


def test_staff_find_their_start_page_in_the_account_menu_and_others_do_not(client, staff):
    client.force_login(staff)
    home = client.get(reverse("home")).content.decode()
    menu = home.split('class="account-nav"')[1]
    assert f'<a href="{START}">Voor medewerkers</a>' in menu
    assert f'href="{START}" aria-current="page"' in start_page(client)
    assert START in client.get(reverse("accounts:profile")).content.decode()

    for someone in (UserFactory(), MunicipalOfficerFactory()):
        client.force_login(someone)
        assert START not in client.get(reverse("home")).content.decode()
        assert client.get(START).status_code == 404
    client.logout()
    assert START not in client.get(reverse("home")).content.decode()
    response = client.get(START)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_with_nothing_waiting_the_page_says_so_and_still_leads_to_every_queue(staff_client):
    html = start_page(staff_client)
    assert NOTHING_WAITS in html
    assert counts(html) == {}
    items = waiting(html)
    # Officers' link requests had no link from anywhere: here they have, even with none waiting.
    assert items["municipalities-links"] == (
        0,
        "aanvragen van ambtenaren voor een koppeling aan een gemeente",
        reverse("municipalities:link_queue"),
    )
    assert items["enterprises-submitted"][2] == reverse("enterprises:review_queue")
    assert items["pioneers-applications"][2] == reverse("pioneers:review_list")
    assert items["monitor-check"][2] == reverse("monitor:rounds")
    for heading in ("Wijkondernemingen", "Monitor", "WijkBV-programma", "Kennisbank", "Gemeenten"):
        assert f">{heading}</h2>" in html


# --- Everything that waits, and what staff do about it -----------------------------------------


def test_each_kind_of_waiting_shows_its_count_and_link_and_drops_once_staff_act(
    client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    def run(action, *args, **kwargs):
        """Do it as the portal does, mails and workers after the commit included."""
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    # A resident submits the registration of an enterprise.
    resident = UserFactory()
    concept = EnterpriseFactory(
        name="Buurtbedrijf De Wachtkamer", status=EnterpriseStatus.CONCEPT, published_at=None
    )
    MembershipFactory(enterprise=concept, user=resident, role=MembershipRole.OWNER)
    client.force_login(resident)
    submitted = run(client.post, reverse("enterprises:submit", kwargs={"slug": concept.slug}))
    assert submitted.status_code == 302

    # Another member applies for the programme.
    cohort = CohortFactory(name="WijkBV Voorjaar")
    applicant = UserFactory()
    applying = EnterpriseFactory(name="Wijkbedrijf De Sprong")
    MembershipFactory(enterprise=applying, user=applicant, role=MembershipRole.OWNER)
    application = ApplicationFactory(enterprise=applying, cohort=cohort)
    run(pioneer_services.submit_application, application, by=applicant)

    # An officer asks to be linked to a municipality.
    town = MunicipalityFactory(name="Wachtdorp", slug="wachtdorp")
    client.force_login(MunicipalOfficerFactory(email="a.officer@wachtdorp.nl"))
    run(
        client.post,
        reverse("municipalities:link_request", kwargs={"slug": town.slug}),
        {"job_title": "Beleidsadviseur", "motivation": "Voor het wijkbeleid."},
    )
    client.logout()

    # Someone asks for advice, someone else for a report on request.
    run(
        client.post,
        reverse("knowledge:advice"),
        {
            "name": "Pim Fictief",
            "email": "pim@example.org",
            "organisation": "Gemeente Wachtdorp",
            "topic": "workshop",
            "message": "Graag een workshop voor ons team.",
            "consent": "on",
        },
    )
    on_request = ReportFactory(access="op-aanvraag")
    run(
        client.post,
        reverse("knowledge:report_request", kwargs={"slug": on_request.slug}),
        {"name": "Fien", "email": "fien@example.org", "role": "gemeente", "consent": "on"},
    )

    # Staff upload a spreadsheet and leave its preview.
    client.force_login(staff)
    upload = client.post(
        reverse("enterprises:import"),
        {"bestand": SimpleUploadedFile("ondernemingen.csv", b"naam;gemeente\nDe Nieuwe;GM0344\n")},
    )
    assert upload.status_code == 302
    batch = ImportBatch.objects.get()

    # The monitor: a closed round whose figures changed since, and an open round with figures
    # that look implausible (income without expenses).
    reporter = EnterpriseFactory(name="Monitorbedrijf De Meetlat")
    YearFiguresFactory(enterprise=reporter, year=CLOSED_YEAR)
    deadline = timezone.localdate() + timedelta(days=30)
    closed = run(
        monitor_services.open_round,
        year=CLOSED_YEAR,
        deadline=deadline,
        by=staff,
        reminder_days="14,3",
    )
    run(monitor_services.close_round, closed, by=staff)
    edition = MonitorEdition.objects.get(year=CLOSED_YEAR)
    run(
        monitor_services.open_round,
        year=OPEN_YEAR,
        deadline=deadline,
        by=staff,
        reminder_days="14,3",
    )
    flagged = YearFiguresFactory(enterprise=reporter, year=OPEN_YEAR, expenses=0)
    enterprise_services.save_year_figures(flagged, by=staff)
    assert flagged.flags == ["no-expenses"]
    changed = reporter.year_figures.get(year=CLOSED_YEAR)
    changed.income_sales += 1_000
    enterprise_services.save_year_figures(changed, by=staff)

    # Three PDFs that could not be made: a case description, a brief, the monitor report.
    case = CaseDescriptionFactory(title="Casus De Wachtkamer")
    with monkeypatch.context() as patched:
        patched.setattr(pdf_jobs, "render_document", broken_renderer)
        run(client.post, reverse("knowledge:case_pdf_generate", kwargs={"slug": case.slug}))
        run(client.post, reverse("municipalities:brief", kwargs={"slug": town.slug}))
        run(
            client.post,
            reverse("monitor:report", kwargs={"year": CLOSED_YEAR}),
            {"action": "generate"},
        )
    assert {PdfJob.objects.get().status, BriefJob.objects.get().status} == {PdfJobStatus.FAILED}
    assert ReportJob.objects.get().status == PdfJobStatus.FAILED

    html = start_page(client)
    assert NOTHING_WAITS not in html
    items = waiting(html)
    round_page = reverse("monitor:round", kwargs={"year": OPEN_YEAR})
    assert items["enterprises-submitted"] == (
        1,
        "aanmelding van een wijkonderneming om te beoordelen",
        reverse("enterprises:review_queue"),
    )
    assert items["enterprises-import-previews"] == (
        1,
        "importvoorbeeld om te bevestigen of te verwerpen",
        reverse("enterprises:import") + "#recent-title",
    )
    assert items[f"pioneers-applications-{cohort.slug}"] == (
        1,
        "aanmelding voor WijkBV Voorjaar om te beoordelen",
        f"{reverse('pioneers:review_list')}?cohort={cohort.slug}",
    )
    assert items["municipalities-links"] == (
        1,
        "aanvraag van een ambtenaar voor een koppeling aan een gemeente",
        reverse("municipalities:link_queue"),
    )
    assert items["knowledge-advice"] == (
        1,
        "adviesaanvraag nog niet afgehandeld",
        reverse("admin:knowledge_advicerequest_changelist") + "?handled__exact=0",
    )
    assert items[f"monitor-check-{OPEN_YEAR}"] == (
        1,
        f"cijferopgave om na te gaan in de uitvraag over {OPEN_YEAR}",
        round_page + "#flagged-title",
    )
    assert items[f"monitor-corrections-{CLOSED_YEAR}"] == (
        1,
        f"cijferopgave gewijzigd sinds de monitor {CLOSED_YEAR} vaststaat",
        reverse("monitor:round", kwargs={"year": CLOSED_YEAR}) + "#pending-title",
    )
    # A failed PDF has no one place: each links to its own page, with the reason.
    assert items["knowledge-case-pdfs"] == (
        1,
        "pdf van een casusbeschrijving die niet gemaakt kon worden",
        None,
    )
    assert items["municipalities-briefs"][:2] == (
        1,
        "gemeentebrief (pdf) die niet gemaakt kon worden",
    )
    assert items["monitor-reports"][:2] == (1, "monitorrapport (pdf) dat niet gemaakt kon worden")
    for url, name in (
        (case.get_absolute_url() + "#pdf-title", "Casus De Wachtkamer"),
        (
            reverse("municipalities:detail", kwargs={"slug": town.slug}) + "#brief-title",
            "Wachtdorp",
        ),
        (reverse("monitor:report", kwargs={"year": CLOSED_YEAR}) + "#pdf-title", str(edition)),
    ):
        assert f'<a href="{url}">{name}</a>' in html
    assert html.count("De pdf kon niet worden gemaakt: de opmaakmachine gaf het op") == 3
    # Worth knowing, nothing to do: the report request's link went out by mail at once.
    count, text, url = items["knowledge-report-requests"]
    assert (count, text) == (1, "rapportaanvraag in de afgelopen 7 dagen")
    assert "wie een rapport aanvraagt, krijgt de link meteen per mail" in html
    assert url.startswith(reverse("admin:knowledge_reportrequest_changelist") + "?created_at__gte=")
    assert "Fien" in client.get(url).content.decode()  # the admin lists what the page counted
    for every_link in {url for _count, _text, url in items.values() if url}:
        assert client.get(every_link).status_code == 200, every_link

    # Staff act on each, where the page sends them.
    run(
        client.post,
        reverse("enterprises:review", kwargs={"slug": concept.slug}),
        {"decision": "publish"},
    )
    assert "enterprises-submitted" not in counts(start_page(client))
    client.post(reverse("enterprises:import_discard", args=[batch.pk]))
    run(
        client.post,
        reverse("pioneers:review", args=[application.pk]),
        {"decide": "", "decision": ApplicationStatus.WAITING_LIST, "message": ""},
    )
    link = OfficerLink.objects.get(status=LinkStatus.REQUESTED)
    run(
        client.post,
        reverse("municipalities:link_decide", args=[link.pk]),
        {"decision": "goedkeuren"},
    )
    advice = AdviceRequest.objects.get()
    client.post(
        reverse("admin:knowledge_advicerequest_change", args=[advice.pk]),
        {"handled": "on", "staff_note": "Gebeld en een datum geprikt."},
    )
    client.post(reverse("monitor:figures_checked", kwargs={"year": OPEN_YEAR, "pk": flagged.pk}))
    with monkeypatch.context() as patched:
        patched.setattr(pdf_jobs, "render_document", working_renderer)
        run(client.post, reverse("knowledge:case_pdf_generate", kwargs={"slug": case.slug}))
        run(client.post, reverse("municipalities:brief", kwargs={"slug": town.slug}))
        run(
            client.post,
            reverse("monitor:report", kwargs={"year": CLOSED_YEAR}),
            {"action": "generate"},
        )
    client.post(
        reverse("monitor:round_correction", kwargs={"year": CLOSED_YEAR}),
        {"note": "Monitorbedrijf De Meetlat verbeterde zijn verkoop."},
    )

    after = start_page(client)
    assert counts(after) == {"knowledge-report-requests": 1}
    assert NOTHING_WAITS in after
    assert monitor_report.latest_job(edition).status == PdfJobStatus.DONE
    assert brief.RUNNER.failed(10) == (0, [])


def test_a_later_attempt_clears_a_failed_pdf_but_its_own_failure_does_not(
    staff_client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    town = MunicipalityFactory(name="Herhaaldorp", slug="herhaaldorp")
    monkeypatch.setattr(pdf_jobs, "render_document", broken_renderer)
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(reverse("municipalities:brief", kwargs={"slug": town.slug}))
    assert BriefJob.objects.filter(status=PdfJobStatus.FAILED).count() == 2
    assert counts(start_page(staff_client)) == {"municipalities-briefs": 1}  # one municipality

    # Asked again, not yet made (the broker is down): somebody is on it.
    brief.request_brief(town, by=staff)
    assert counts(start_page(staff_client)) == {}


def test_a_failed_report_of_an_edition_that_was_corrected_since_waits_for_nobody(staff):
    reporter = EnterpriseFactory()
    YearFiguresFactory(enterprise=reporter, year=CLOSED_YEAR)
    first = monitor_services.fix_edition(CLOSED_YEAR, by=staff)
    ReportJob.objects.create(edition=first, status=PdfJobStatus.FAILED, input_hash="x")
    from monitor import selectors as monitor_selectors

    def reports() -> int:
        return next(
            item.count
            for item in monitor_selectors.waiting_for_staff()
            if item.key == "monitor-reports"
        )

    assert reports() == 1
    monitor_services.fix_edition(CLOSED_YEAR, by=staff, note="Een omzet verbeterd.")
    assert reports() == 0


def test_many_failed_pdfs_link_the_newest_and_say_how_many_more(staff_client):
    for number in range(12):
        BriefJob.objects.create(
            municipality=MunicipalityFactory(name=f"Mislukdorp {number:02d}"),
            status=PdfJobStatus.FAILED,
            input_hash="x",
            error="De pdf kon niet worden gemaakt: kapot",
        )
    html = start_page(staff_client)
    assert counts(html) == {"municipalities-briefs": 12}
    assert "Mislukdorp 11" in html and "Mislukdorp 02" in html and "Mislukdorp 01" not in html
    assert "en nog 2 andere" in html


def test_applications_are_counted_per_cohort_newest_cohort_first(staff_client):
    today = timezone.localdate()
    older = CohortFactory(name="Cohort Oud", period_start=today - timedelta(days=800))
    newer = CohortFactory(name="Cohort Nieuw", period_start=today - timedelta(days=10))
    for cohort, number in ((older, 1), (newer, 2)):
        for _n in range(number):
            ApplicationFactory(
                cohort=cohort, status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
            )
    ApplicationFactory(cohort=newer)  # a draft waits for its applicant, not for staff
    ApplicationFactory(  # decided
        cohort=older, status=ApplicationStatus.SELECTED, submitted_at=timezone.now()
    )
    html = start_page(staff_client)
    items = waiting(html)
    assert items[f"pioneers-applications-{newer.slug}"][:2] == (
        2,
        "aanmeldingen voor Cohort Nieuw om te beoordelen",
    )
    assert items[f"pioneers-applications-{older.slug}"][0] == 1
    assert html.index("Cohort Nieuw") < html.index("Cohort Oud")


# --- Speed ----------------------------------------------------------------------------------------


def fill(staff, size: int) -> None:
    """``size`` of every kind of waiting thing, made directly."""
    cohort = CohortFactory()
    for number in range(size):
        EnterpriseFactory(status=EnterpriseStatus.SUBMITTED, submitted_at=timezone.now())
        ImportBatch.objects.create(uploaded_by=staff, file_name=f"{number}.csv", plan={})
        ApplicationFactory(
            cohort=cohort if number % 2 else CohortFactory(),
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        OfficerLinkFactory(status=LinkStatus.REQUESTED, decided_at=None)
        AdviceRequest.objects.create(
            name="Pim",
            email="pim@example.org",
            organisation="Gemeente",
            topic="workshop",
            message="Graag.",
            consent=True,
        )
        ReportRequestFactory()
        case: CaseDescription = CaseDescriptionFactory.create()
        PdfJob.objects.create(case=case, status=PdfJobStatus.FAILED, input_hash="x")
        town: Municipality = MunicipalityFactory.create()
        BriefJob.objects.create(municipality=town, status=PdfJobStatus.FAILED, input_hash="x")
        YearFiguresFactory(
            enterprise=EnterpriseFactory(), year=OPEN_YEAR, flags=["no-expenses"], expenses=0
        )
    assert ImportBatch.objects.filter(status=ImportStatus.PREVIEW).count() >= size


def test_the_page_takes_the_same_few_queries_however_much_waits(
    staff_client, staff, django_assert_num_queries
):
    # The user with their roles (the session is in the cache), then each app's few queries:
    # enterprises, pioneers, knowledge, municipalities, monitor.
    queries = 1 + 2 + 1 + 3 + 2 + 2
    with django_assert_num_queries(queries):
        start_page(staff_client)
    monitor_services.open_round(
        year=OPEN_YEAR,
        deadline=timezone.localdate() + timedelta(days=30),
        by=staff,
        reminder_days="14",
    )
    fill(staff, 3)
    with django_assert_num_queries(queries):
        small = counts(start_page(staff_client))
    fill(staff, 12)
    with django_assert_num_queries(queries):
        large = counts(start_page(staff_client))
    assert small["enterprises-submitted"] == 3 and large["enterprises-submitted"] == 15
    assert small["municipalities-briefs"] == 3 and large["municipalities-briefs"] == 15
    assert large[f"monitor-check-{OPEN_YEAR}"] == 15
    assert large["knowledge-case-pdfs"] == 15 and large["knowledge-advice"] == 15
