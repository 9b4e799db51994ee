"""WCAG 2.1 AA with axe-core: every kind of page, as every role for whom the page differs, on a
desktop and a phone. No serious or critical violation is allowed; forms are also audited after an
empty (or wrong) submit, with their errors tied to the fields. Each run prints a summary per page:

    pytest tests/browser/test_accessibility.py -s
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.axe import (
    BLOCKING,
    by_impact,
    charts_without_text_alternative,
    describe,
    error_summary,
    error_wiring_problems,
    run_axe,
    wait_for_focus_on_errors,
)
from tests.browser.conftest import log_in
from tests.factories import (
    ApplicationFactory,
    ArticleFactory,
    AssetFactory,
    CaseDescriptionFactory,
    CohortFactory,
    EnterpriseFactory,
    ExpertFactory,
    FAQFactory,
    InvitationFactory,
    LessonFactory,
    LogEntryFactory,
    MembershipFactory,
    MilestoneFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    PioneerFactory,
    ReportFactory,
    StaffFactory,
    SupportItemFactory,
    UserFactory,
    YearFiguresFactory,
    make_reading,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@dataclass(frozen=True)
class Visit:
    """One page type. With ``submit``, the form is also sent as it is (after typing ``spoil``,
    label → value) and the page with its errors is audited as well."""

    page_type: str
    path: str
    status: int = 200
    submit: str | None = None
    spoil: tuple[tuple[str, str], ...] = ()


def build_world() -> dict:
    """Enough of everything that each page shows its full self: charts, tables, a mengpaneel
    with two readings, milestones, a shared log, applications, knowledge items, an officer link."""
    from enterprises.models import EnterpriseKind, EnterpriseStatus, Municipality, Theme
    from knowledge.models import Audience
    from municipalities.models import LinkStatus
    from pioneers.models import ApplicationStatus, Area, Element, Visibility
    from pioneers.reference_data import load

    load(Area, Element)  # the data migration's rows, in case an earlier test emptied the tables
    Theme.objects.get_or_create(slug="energie", defaults={"name": "Energie"})
    Audience.objects.get_or_create(slug="gemeente", defaults={"name": "Gemeenten"})
    zwolle = Municipality.objects.get(slug="zwolle")
    deventer = Municipality.objects.get(slug="deventer")
    today = timezone.localdate()

    pioneer_enterprise = EnterpriseFactory(
        name="Buurtbedrijf De Lantaarn",
        slug="buurtbedrijf-de-lantaarn",
        kind=EnterpriseKind.ENERGIECOOPERATIE,
        municipality=zwolle,
        contact_name="Lotte Lantaarn",
        contact_email="lotte@lantaarn.example.org",
        municipality_may_contact=True,
    )
    neighbours = [
        EnterpriseFactory(name=f"Wijkonderneming {name}", municipality=zwolle)
        for name in ("Assendorp", "Diezerpoort")
    ]
    for enterprise in (pioneer_enterprise, *neighbours):
        YearFiguresFactory(enterprise=enterprise, year=2023)
        YearFiguresFactory(enterprise=enterprise, year=2024, income_rent=35_000)
        AssetFactory(enterprise=enterprise, since_year=2019)
    EnterpriseFactory(name="Dorpscoöperatie Olst", municipality=deventer)
    EnterpriseFactory(
        name="Ingediend Initiatief", slug="ingediend-initiatief", status=EnterpriseStatus.SUBMITTED
    )

    resident = UserFactory(email="bewoner.a11y@example.org")
    concept = EnterpriseFactory(
        name="Initiatief In Wording",
        slug="initiatief-in-wording",
        status=EnterpriseStatus.CONCEPT,
        published_at=None,
    )
    MembershipFactory(enterprise=concept, user=resident)
    AssetFactory(enterprise=concept)
    YearFiguresFactory(enterprise=concept)
    MembershipFactory(enterprise=neighbours[0], user=resident)

    cohort = CohortFactory(name="WijkBV proef 2025–2028", slug="wijkbv-proef")
    draft = ApplicationFactory(cohort=cohort, enterprise=neighbours[0])
    submitted = ApplicationFactory(
        cohort=cohort,
        enterprise=neighbours[1],
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )

    pioneer_member = UserFactory(email="pionier.a11y@example.org")
    MembershipFactory(enterprise=pioneer_enterprise, user=pioneer_member)
    pioneer = PioneerFactory(enterprise=pioneer_enterprise, cohort=cohort)
    make_reading(pioneer, today - timedelta(days=120), position=35)
    make_reading(pioneer, today - timedelta(days=10), position=55)
    MilestoneFactory(pioneer=pioneer, title="Taxatie van het badhuis")
    LogEntryFactory(pioneer=pioneer, text="Gesprek met de woningcorporatie.")
    LogEntryFactory(pioneer=pioneer, text="Interne zorg.", visibility=Visibility.INTERNAL)
    LessonFactory(
        pioneer=pioneer,
        title="Begin bij de exploitatie",
        published=True,
        published_at=timezone.now(),
    )
    expert = ExpertFactory(name="Expert Vastgoed", areas=[Area.objects.first()])
    SupportItemFactory(pioneer=pioneer, expert=expert)

    officer = MunicipalOfficerFactory(email="ambtenaar.a11y@zwolle.example.org")
    OfficerLinkFactory(user=officer, municipality=zwolle)
    OfficerLinkFactory(municipality=deventer, status=LinkStatus.REQUESTED, decided_at=None)
    staff = StaffFactory(email="medewerker.a11y@example.org")
    _reporting_rounds(staff, pioneer_enterprise, neighbours, today)  # 2023 fixed, 2024 open
    from enterprises import imports
    from enterprises import services as enterprise_services

    # A preview of an import: a new enterprise, one that would change, and rows with errors.
    import_batch = enterprise_services.preview_import(
        imports.read_bytes(
            "naam;gemeente;soort;wijk;jaar;verkoop;fte\n"
            "Buurtbedrijf Nieuw Licht;Zwolle;wijkonderneming;Assendorp;2024;€ 12.500;2,5\n"
            "Wijkonderneming Diezerpoort;Zwolle;;Diezerpoort Oost;;;\n"
            '=HYPERLINK("x");Atlantis;anders;Noord;2024;-5;veel\n'.encode()
        ),
        by=staff,
        file_name="wijkondernemingen-2024.csv",
    )

    report = ReportFactory(title="Ruimte voor wijkondernemingen", audiences=["gemeente"])
    on_request = ReportFactory(title="Eigen geld, eigen wijk", access="op-aanvraag")
    FAQFactory(question="Wat is een wijkonderneming?")
    FAQFactory(question="Wat is het Right to Challenge?")
    article = ArticleFactory(title="Tien tips voor werk in de wijk")
    case = CaseDescriptionFactory(
        title="De Lantaarn koopt het badhuis", enterprise=pioneer_enterprise
    )
    from municipalities.models import Follower

    Follower.objects.create(municipality=zwolle, email="volger@example.org", token="a11y-volger")
    InvitationFactory(
        enterprise=pioneer_enterprise, email="iemand.anders@example.org", token="a11y-uitnodiging"
    )
    return {
        "users": {
            "bewoner": resident.email,
            "pionier": pioneer_member.email,
            "ambtenaar": officer.email,
            "medewerker": staff.email,
        },
        "pioneer": pioneer_enterprise.slug,
        "concept": concept.slug,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "submitted_enterprise": "ingediend-initiatief",
        "expert": expert.pk,
        "report": report.slug,
        "on_request": on_request.slug,
        "article": article.slug,
        "case": case.slug,
        "cohort": cohort.slug,
        "import_batch": import_batch.pk,
    }


def _reporting_rounds(staff, pioneer_enterprise, neighbours, today) -> None:
    """A closed round over 2023 with a pending correction, an open one over 2024 with flagged
    figures: the staff pages of the monitor show every part."""
    from enterprises.services import save_year_figures
    from monitor import services as monitor_services

    closed = monitor_services.open_round(
        year=2023, deadline=today + timedelta(days=30), reminder_days="14,3", by=staff
    )
    monitor_services.close_round(closed, by=staff)
    changed = neighbours[0].year_figures.get(year=2023)
    changed.income_sales += 1_000
    save_year_figures(changed, by=staff)
    monitor_services.open_round(
        year=2024, deadline=today + timedelta(days=20), reminder_days="14,3", by=staff
    )
    flagged = pioneer_enterprise.year_figures.get(year=2024)
    flagged.expenses = 0
    save_year_figures(flagged, by=staff)


def visits_for(role: str, w: dict) -> list[Visit]:
    """The page types each role sees; public pages again only where they differ for the role."""
    e, c = w["pioneer"], w["concept"]
    if role == "bezoeker":
        return [
            Visit("home", "/"),
            Visit("directory", "/wijkondernemingen/"),
            Visit(
                "directory with filters",
                "/wijkondernemingen/?soort=energiecooperatie&provincie=overijssel&sorteer=naam",
            ),
            Visit("directory with an invalid filter", "/wijkondernemingen/?opgericht_vanaf=x"),
            Visit("enterprise profile", f"/wijkondernemingen/{e}/"),
            Visit("benchmark", "/wijkondernemingen/benchmark/"),
            Visit("monitor (provisional year)", "/monitor/2024/"),
            Visit("monitor (fixed year)", "/monitor/2023/"),
            Visit("WijkBV programme page", "/wijkbv/"),
            Visit("knowledge base", "/kennisbank/"),
            Visit("search results", "/kennisbank/zoeken/?q=wijkonderneming"),
            Visit("report list", "/kennisbank/rapporten/"),
            Visit("report", f"/kennisbank/rapporten/{w['report']}/"),
            Visit(
                "report-request form",
                f"/kennisbank/rapporten/{w['on_request']}/aanvragen/",
                submit="Stuur mij de link",
            ),
            Visit("FAQ", "/kennisbank/veelgestelde-vragen/"),
            Visit("article list", "/kennisbank/artikelen/"),
            Visit("article", f"/kennisbank/artikelen/{w['article']}/"),
            Visit("case list", "/kennisbank/casussen/"),
            Visit("case page", f"/kennisbank/casussen/{w['case']}/"),
            Visit("newsletter form", "/kennisbank/nieuwsbrief/", submit="Aanmelden"),
            Visit("advice form", "/kennisbank/advies/", submit="Aanvraag versturen"),
            Visit("municipalities", "/gemeenten/"),
            Visit("municipality page", "/gemeenten/zwolle/"),
            Visit("digest confirmation", "/gemeenten/volgen/bevestigen/a11y-volger/"),
            Visit("digest unsubscribe", "/gemeenten/volgen/afmelden/a11y-volger/"),
            Visit("log in", "/accounts/login/", submit="Inloggen"),
            Visit("log in with a code", "/accounts/login/code/", submit="Stuur me een code"),
            Visit("sign up", "/accounts/signup/", submit="Registreren"),
            Visit("password reset", "/accounts/password/reset/", submit="Herstel mijn wachtwoord"),
            Visit("error 404", "/bestaat-niet/", status=404),
        ]
    if role == "bewoner":
        return [
            Visit("account", "/account/"),
            Visit("my initiatives", "/wijkondernemingen/mijn/"),
            Visit(
                "registration wizard: register",
                "/wijkondernemingen/aanmelden/",
                submit="Bewaren als concept",
            ),
            Visit(
                "registration wizard: profile",
                f"/wijkondernemingen/{c}/bewerken/",
                submit="Opslaan",
                spoil=(("Postcode", "12"), ("Kvk-nummer", "123")),
            ),
            Visit("registration wizard: assets", f"/wijkondernemingen/{c}/bezit/"),
            Visit(
                "registration wizard: asset form",
                f"/wijkondernemingen/{c}/bezit/nieuw/",
                submit="Opslaan",
            ),
            Visit("registration wizard: figures", f"/wijkondernemingen/{c}/cijfers/"),
            Visit(
                "registration wizard: figures form",
                f"/wijkondernemingen/{c}/cijfers/nieuw/",
                submit="Opslaan",
                spoil=(("Subsidies", "veel"),),
            ),
            Visit(
                "registration wizard: members",
                f"/wijkondernemingen/{c}/leden/",
                submit="Uitnodiging versturen",
            ),
            Visit("concept profile (member)", f"/wijkondernemingen/{c}/"),
            Visit("benchmark with own position", "/wijkondernemingen/benchmark/"),
            Visit(
                "invitation (sent to another address)",
                "/wijkondernemingen/uitnodiging/a11y-uitnodiging/",
            ),
            Visit("apply for the programme", "/wijkbv/aanmelden/"),
            Visit(
                "application form",
                f"/wijkbv/aanmeldingen/{w['draft']}/",
                submit="Bewaren als concept",
                spoil=(("E-mailadres", "geen-adres"),),
            ),
        ]
    if role == "pionier":
        return [
            Visit("pioneer page (own)", f"/wijkbv/pioniers/{e}/"),
            Visit("mengpaneel history", f"/wijkbv/pioniers/{e}/mengpaneel/"),
            Visit("shared log", f"/wijkbv/pioniers/{e}/logboek/"),
            Visit("WijkBV programme page", "/wijkbv/"),
            Visit("my initiatives", "/wijkondernemingen/mijn/"),
            Visit("enterprise profile (member)", f"/wijkondernemingen/{e}/"),
        ]
    if role == "ambtenaar":
        return [
            Visit("municipality page (linked officer)", "/gemeenten/zwolle/"),
            Visit(
                "officer link request",
                "/gemeenten/deventer/koppelen/",
                submit="Aanvraag versturen",
            ),
            Visit("benchmark (narrow to a municipality)", "/wijkondernemingen/benchmark/"),
            Visit("knowledge base", "/kennisbank/"),
            Visit("report", f"/kennisbank/rapporten/{w['report']}/"),
            Visit("account", "/account/"),
        ]
    assert role == "medewerker"
    return [
        Visit("staff pioneer dashboard", "/wijkbv/pioniers/"),
        Visit("pioneer page (staff)", f"/wijkbv/pioniers/{e}/"),
        Visit("mengpaneel history (staff)", f"/wijkbv/pioniers/{e}/mengpaneel/"),
        Visit(
            "mengpaneel reading form",
            f"/wijkbv/pioniers/{e}/mengpaneel/nieuw/",
            submit="Toon wat verschuift",
            spoil=(("Eigenaarschap", "150"),),
        ),
        Visit("mengpaneel of one element", "/wijkbv/mengpaneel/eigenaarschap/"),
        Visit("log (staff)", f"/wijkbv/pioniers/{e}/logboek/"),
        Visit("log entry form", f"/wijkbv/pioniers/{e}/logboek/nieuw/", submit="Opslaan"),
        Visit("milestone form", f"/wijkbv/pioniers/{e}/mijlpalen/nieuw/", submit="Opslaan"),
        Visit("support form", f"/wijkbv/pioniers/{e}/ondersteuning/nieuw/", submit="Opslaan"),
        Visit("lesson form", f"/wijkbv/pioniers/{e}/lessen/nieuw/", submit="Opslaan"),
        Visit("pioneer plan form", f"/wijkbv/pioniers/{e}/bewerken/"),
        Visit("application reviews", "/wijkbv/beoordelen/"),
        Visit(
            "application review",
            f"/wijkbv/beoordelen/{w['submitted']}/",
            submit="Besluit bevestigen",
        ),
        Visit("expert network", "/wijkbv/experts/"),
        Visit("expert", f"/wijkbv/experts/{w['expert']}/"),
        Visit("registration review queue", "/wijkondernemingen/beoordelen/"),
        Visit("import page", "/wijkondernemingen/importeren/", submit="Voorbeeld tonen"),
        Visit("import preview", f"/wijkondernemingen/importeren/{w['import_batch']}/"),
        Visit(
            "registration review",
            f"/wijkondernemingen/{w['submitted_enterprise']}/beoordelen/",
            submit="Besluit bevestigen",
        ),
        Visit("officer links", "/gemeenten/koppelingen/"),
        Visit("municipality page (staff)", "/gemeenten/zwolle/"),
        Visit("case page (staff: PDF)", f"/kennisbank/casussen/{w['case']}/"),
        Visit("case PDFs of a cohort", f"/kennisbank/casussen/programma/{w['cohort']}/"),
        Visit("WijkBV programme page (staff)", "/wijkbv/"),
        Visit("monitor report (round open)", "/monitor/2024/rapport/"),
        Visit("monitor report (fixed)", "/monitor/2023/rapport/"),
        Visit("reporting rounds", "/monitor/rondes/", submit="De uitvraag openen"),
        Visit("reporting round (open)", "/monitor/rondes/2024/"),
        Visit("close a reporting round", "/monitor/rondes/2024/afsluiten/"),
        Visit(
            "reporting round (closed)", "/monitor/rondes/2023/", submit="De correctie publiceren"
        ),
    ]


def audit(page, role: str, page_type: str, report: list, failures: list) -> None:
    """Run axe on the page as it is; remember the counts and anything that blocks."""
    violations = run_axe(page)
    counts = by_impact(violations)
    width = page.viewport_size["width"]
    report.append(
        f"{width:>4}px  {role:<10}  {page_type:<42} "
        + " ".join(f"{impact}={count}" for impact, count in counts.items())
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    if blocking:
        failures.append(f"{page_type} ({role}, {page.url}):\n{describe(blocking)}")
    charts = charts_without_text_alternative(page)
    if charts:
        failures.append(f"{page_type} ({role}): charts without a text alternative: {charts}")


def visit(page, item: Visit, role: str, report: list, failures: list) -> None:
    response = page.goto(item.path)
    assert response.status == item.status, f"{item.path} answered {response.status}"
    assert page.url.endswith(item.path), f"{item.path} went to {page.url}"  # no log-in detour
    audit(page, role, item.page_type, report, failures)
    if item.submit is None:
        return
    for label, value in item.spoil:
        page.get_by_label(label).first.fill(value)
    page.get_by_role("button", name=item.submit, exact=True).click()
    page.wait_for_load_state()
    wait_for_focus_on_errors(page)
    summary = error_summary(page)
    assert summary, f"{item.page_type}: no error summary after sending the form"
    assert summary["role"] == "alert" and summary["focused"], summary
    assert all(link["invalid"] for link in summary["links"]), summary  # each leads to its field
    problems = error_wiring_problems(page)
    assert not problems, f"{item.page_type}: {problems}"
    audit(page, role, f"{item.page_type} (with errors)", report, failures)


def print_report(report: list[str]) -> None:
    print("\naxe-core, WCAG 2.1 A/AA: failing elements per impact")
    print("\n".join(report))


ROLES = ["bezoeker", "bewoner", "pionier", "ambtenaar", "medewerker"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_type_has_no_serious_accessibility_violation(axe_page, role):
    world = build_world()
    if role != "bezoeker":
        log_in(axe_page, world["users"][role])
    report, failures = [], []
    for item in visits_for(role, world):
        visit(axe_page, item, role, report, failures)

    if role == "bezoeker":
        # Sign up for real: the "verify your e-mail" page and the confirmation page.
        axe_page.goto("/accounts/signup/")
        axe_page.get_by_label("E-mailadres").fill("nieuw.a11y@example.org")
        axe_page.get_by_label("Wachtwoord", exact=True).fill("Een-lang-wachtwoord-42")
        axe_page.get_by_label("Wachtwoord (bevestigen)").fill("Een-lang-wachtwoord-42")
        axe_page.get_by_role("button", name="Registreren").click()
        axe_page.wait_for_url("**/accounts/confirm-email/")
        audit(axe_page, role, "e-mail verification sent", report, failures)
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body)
        axe_page.goto(link.group(0))
        audit(axe_page, role, "e-mail confirmation", report, failures)
        axe_page.get_by_role("button", name="Bevestigen").click()
        axe_page.wait_for_url(lambda url: "/accounts/" not in url)
        axe_page.get_by_role("button", name="Uitloggen").click()
        axe_page.wait_for_load_state()
        axe_page.goto("/accounts/password/reset/done/")
        audit(axe_page, role, "password reset sent", report, failures)
        # Log in with a code: the page to enter it, and the same after a wrong code.
        axe_page.goto("/accounts/login/code/")
        axe_page.get_by_label("E-mailadres").fill("nieuw.a11y@example.org")
        axe_page.get_by_role("button", name="Stuur me een code").click()
        axe_page.wait_for_url("**/accounts/login/code/confirm/")
        audit(axe_page, role, "log-in code", report, failures)
        axe_page.get_by_label("Code").fill("BBBB-CCCC")
        axe_page.get_by_role("button", name="Inloggen", exact=True).click()
        axe_page.wait_for_load_state()
        wait_for_focus_on_errors(axe_page)
        assert error_summary(axe_page), "no error summary after a wrong code"
        audit(axe_page, role, "log-in code (with errors)", report, failures)

    print_report(report)
    assert not failures, "serious or critical accessibility violations:\n" + "\n".join(failures)
