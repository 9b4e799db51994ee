"""WCAG 2.1 AA with axe-core: every kind of page, as every role for whom the page differs, on a
desktop and a phone. No serious or critical violation is allowed; forms are also audited after an
empty (or wrong) submit, with their errors tied to the fields. Each run prints a summary per page:

    pytest tests/browser/test_accessibility.py -s

The pages are those of the fixture world that the permission matrix and the hostile-input test
share (``tests/world.py``), built in each test's database so that the live server sees it. A
visit names its page by the world's row (``enterprises:profile@concept``), which builds the path
from the world's objects; a URL without arguments may be written as its path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.urls import Resolver404, resolve

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
from tests.world import FAST_HASHERS, build_world, rows_without_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@dataclass(frozen=True)
class Visit:
    """One page type: ``page`` is the world's row (``enterprises:profile@concept``), or the path
    of a page whose URL takes no arguments. With ``submit``, the form is also sent as it is (after
    typing ``spoil``, label → value) and the page with its errors is audited as well."""

    page_type: str
    page: str
    status: int = 200
    submit: str | None = None
    spoil: tuple[tuple[str, str], ...] = ()


# The users of the world whose pages the audit visits (A: the anonymous visitor).
ROLE_CODES = {"bezoeker": "A", "bewoner": "O", "pionier": "P", "ambtenaar": "M", "medewerker": "S"}


def visits_for(role: str) -> list[Visit]:
    """The page types each role sees; public pages again only where they differ for the role."""
    if role == "bezoeker":
        return [
            Visit("home", "/"),
            Visit("directory", "/wijkondernemingen/"),
            Visit(
                "directory with filters",
                "/wijkondernemingen/?soort=energiecooperatie&provincie=overijssel&sorteer=naam",
            ),
            Visit("directory with an invalid filter", "/wijkondernemingen/?opgericht_vanaf=x"),
            Visit("enterprise profile", "enterprises:profile@pioneer"),
            Visit("benchmark", "/wijkondernemingen/benchmark/"),
            Visit("monitor (provisional year)", "monitor:year"),
            Visit("monitor (fixed year)", "monitor:year@fixed"),
            Visit("WijkBV programme page", "/wijkbv/"),
            Visit("knowledge base", "/kennisbank/"),
            Visit("search results", "/kennisbank/zoeken/?q=wijkonderneming"),
            Visit("report list", "/kennisbank/rapporten/"),
            Visit("report", "knowledge:report"),
            Visit("report-request form", "knowledge:report_request", submit="Stuur mij de link"),
            Visit("FAQ", "/kennisbank/veelgestelde-vragen/"),
            Visit("article list", "/kennisbank/artikelen/"),
            Visit("article", "knowledge:article"),
            Visit("case list", "/kennisbank/casussen/"),
            Visit("case page", "knowledge:case"),
            Visit("newsletter form", "/kennisbank/nieuwsbrief/", submit="Aanmelden"),
            Visit("advice form", "/kennisbank/advies/", submit="Aanvraag versturen"),
            Visit("municipalities", "/gemeenten/"),
            Visit("municipality page", "municipalities:detail"),
            Visit("municipality page (with its map)", "municipalities:detail@map"),
            Visit("digest confirmation", "municipalities:follow_confirm"),
            Visit("digest unsubscribe", "municipalities:unfollow"),
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
                "enterprises:edit@concept",
                submit="Opslaan",
                spoil=(("Postcode", "12"), ("Kvk-nummer", "123")),
            ),
            Visit("registration wizard: assets", "enterprises:assets"),
            Visit("registration wizard: asset form", "enterprises:asset_add", submit="Opslaan"),
            Visit("registration wizard: figures", "enterprises:figures"),
            Visit(
                "registration wizard: figures form",
                "enterprises:figures_add",
                submit="Opslaan",
                spoil=(("Subsidies", "veel"),),
            ),
            Visit(
                "registration wizard: members",
                "enterprises:members",
                submit="Uitnodiging versturen",
            ),
            Visit("concept profile (member)", "enterprises:profile@concept"),
            Visit("benchmark with own position", "/wijkondernemingen/benchmark/"),
            Visit("invitation (sent to another address)", "enterprises:invitation"),
            Visit("apply for the programme", "/wijkbv/aanmelden/"),
            Visit(
                "application form",
                "pioneers:application",
                submit="Bewaren als concept",
                spoil=(("E-mailadres", "geen-adres"),),
            ),
        ]
    if role == "pionier":
        return [
            Visit("pioneer page (own)", "pioneers:pioneer"),
            Visit("mengpaneel history", "pioneers:history"),
            Visit("shared log", "pioneers:log"),
            Visit("WijkBV programme page", "/wijkbv/"),
            Visit("my initiatives", "/wijkondernemingen/mijn/"),
            Visit("enterprise profile (member)", "enterprises:profile@pioneer"),
        ]
    if role == "ambtenaar":
        return [
            Visit("municipality page (linked officer)", "municipalities:detail"),
            Visit(
                "officer link request",
                "municipalities:link_request",
                submit="Aanvraag versturen",
            ),
            Visit("benchmark (narrow to a municipality)", "/wijkondernemingen/benchmark/"),
            Visit("knowledge base", "/kennisbank/"),
            Visit("report", "knowledge:report"),
            Visit("account", "/account/"),
        ]
    assert role == "medewerker"
    return [
        Visit("staff start page", "/medewerkers/"),
        Visit("staff pioneer dashboard", "/wijkbv/pioniers/"),
        Visit("pioneer page (staff)", "pioneers:pioneer"),
        Visit("mengpaneel history (staff)", "pioneers:history"),
        Visit(
            "mengpaneel reading form",
            "pioneers:reading_new",
            submit="Toon wat verschuift",
            spoil=(("Eigenaarschap", "150"),),
        ),
        Visit("mengpaneel of one element", "pioneers:compare"),
        Visit("log (staff)", "pioneers:log"),
        Visit("log entry form", "pioneers:log_new", submit="Opslaan"),
        Visit("milestone form", "pioneers:milestone_new", submit="Opslaan"),
        Visit("support form", "pioneers:support_new", submit="Opslaan"),
        Visit("lesson form", "pioneers:lesson_new", submit="Opslaan"),
        Visit("pioneer plan form", "pioneers:pioneer_edit"),
        Visit("application reviews", "/wijkbv/beoordelen/"),
        Visit("application review", "pioneers:review", submit="Besluit bevestigen"),
        Visit("expert network", "/wijkbv/experts/"),
        Visit("expert", "pioneers:expert"),
        Visit("registration review queue", "/wijkondernemingen/beoordelen/"),
        Visit("import page", "/wijkondernemingen/importeren/", submit="Voorbeeld tonen"),
        Visit("import preview", "enterprises:import_preview@mixed"),
        Visit("registration review", "enterprises:review", submit="Besluit bevestigen"),
        Visit("officer links", "/gemeenten/koppelingen/"),
        Visit("municipality page (staff)", "municipalities:detail"),
        Visit("case page (staff: PDF)", "knowledge:case"),
        Visit("case PDFs of a cohort", "knowledge:cohort_pdfs"),
        Visit("WijkBV programme page (staff)", "/wijkbv/"),
        Visit("monitor report (round open)", "monitor:report@open"),
        Visit("monitor report (fixed)", "monitor:report"),
        Visit("reporting rounds", "/monitor/rondes/", submit="De uitvraag openen"),
        Visit("reporting round (open)", "monitor:round@open"),
        Visit("close a reporting round", "monitor:round_close"),
        Visit("reporting round (closed)", "monitor:round", submit="De correctie publiceren"),
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


def path_of(item: Visit, world) -> str:
    return item.page if item.page.startswith("/") else world.path(item.page)


def visit(page, item: Visit, path: str, role: str, report: list, failures: list) -> None:
    response = page.goto(path)
    assert response.status == item.status, f"{path} answered {response.status}"
    assert page.url.endswith(path), f"{path} went to {page.url}"  # no log-in detour
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


ROLES = list(ROLE_CODES)


def test_every_visit_names_a_page_of_the_world():
    """A visit's page is a row of the world, or the path of a URL without arguments: a path with
    an object in it would miss the world's objects (and go stale with them)."""
    problems = []
    for role in ROLES:
        for item in visits_for(role):
            if not item.page.startswith("/"):
                problems += rows_without_path([item.page])
                continue
            try:
                match = resolve(item.page.split("?", 1)[0])
            except Resolver404:
                continue  # no page of the portal (the 404 page)
            if match.kwargs or match.args:
                problems.append(
                    f"{item.page_type}: write the world's row {match.view_name!r} instead of "
                    f"{item.page!r} (tests/world.py, PATHS, builds its path)"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_type_has_no_serious_accessibility_violation(axe_page, role, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS  # the live server checks the world's passwords
    world = build_world(settings.MEDIA_ROOT)
    if role != "bezoeker":
        log_in(axe_page, world.users[ROLE_CODES[role]].email)
    report, failures = [], []
    for item in visits_for(role):
        visit(axe_page, item, path_of(item, world), role, report, failures)

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
