"""The enforced Content Security Policy breaks nothing: Chromium loads every kind of page, for
each role, and reports no violation (no inline script, style or handler was refused), also
while htmx swaps in a PDF job's status. A last check shows the listener does catch one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.conftest import log_in, log_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

DEMO_PASSWORD = "wijk-demo-2026"  # noqa: S105 - the documented demo accounts of seed_demo

# Registered before any script of the page runs, in every page and frame of the context.
LISTEN = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.reportViolation(
    `${location.pathname}: ${event.effectiveDirective} refused ${event.blockedURI || 'inline'}`
  );
});
"""


@pytest.fixture
def viewport():
    """Policy violations do not depend on the width: one viewport is enough here."""
    return {"width": 1280, "height": 900}


@pytest.fixture
def demo(transactional_db):
    """The demo data of ``make run``: every role has something to look at."""
    from enterprises.models import Enterprise, EnterpriseStatus, Membership, Municipality
    from knowledge.models import CaseDescription, Report
    from pioneers import reference_data
    from pioneers.models import Area, Cohort, Element, Pioneer

    # A live-server test empties the tables after itself, the mengpaneel catalogue included.
    reference_data.load(Area, Element)
    call_command("seed_demo", stdout=StringIO())

    enterprise = Enterprise.objects.filter(status=EnterpriseStatus.PUBLISHED).first()
    own = Membership.objects.filter(user__email="bewoner@example.org").first().enterprise
    return {
        "enterprise": enterprise,
        "own": own,
        "municipality": Municipality.objects.get(cbs_code="GM0363"),
        "report": Report.objects.filter(status="gepubliceerd").first() or Report.objects.first(),
        "case": CaseDescription.objects.first(),
        "pioneer": Pioneer.objects.first(),
        "cohort": Cohort.objects.first(),
        "element": Element.objects.filter(pioneer__isnull=True).first(),
    }


@pytest.fixture
def violations(page):
    found: list[str] = []
    messages: list[str] = []
    page.context.expose_function("reportViolation", lambda line: found.append(line))
    page.context.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            messages.append(f"{page.url}: {message.text}")
            if message.type in {"error", "warning"}
            and any(
                marker in message.text
                for marker in ("Content Security Policy", "Permissions-Policy", "Refused to")
            )
            else None
        ),
    )
    return found, messages


def _visit(page, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")


def test_public_pages_load_without_a_policy_violation(page, demo, violations):
    found, messages = violations
    _visit(
        page,
        [
            "/",
            "/wijkondernemingen/",
            "/wijkondernemingen/?thema=energie&provincie=noord-holland",
            "/wijkondernemingen/benchmark/",
            "/monitor/2024/",
            demo["enterprise"].get_absolute_url(),
            "/wijkbv/",
            "/wijkbv/experts/",
            "/kennisbank/",
            "/kennisbank/zoeken/?q=wijkonderneming",
            "/kennisbank/veelgestelde-vragen/",
            "/kennisbank/rapporten/",
            demo["report"].get_absolute_url(),
            "/kennisbank/artikelen/",
            "/kennisbank/casussen/",
            demo["case"].get_absolute_url(),
            "/kennisbank/nieuwsbrief/",
            "/kennisbank/advies/",
            "/gemeenten/",
            f"/gemeenten/{demo['municipality'].slug}/",
            "/accounts/login/",
            "/accounts/login/code/",
            "/accounts/signup/",
            "/accounts/password/reset/",
        ],
    )
    # The page to enter a log-in code exists only once a code was asked for.
    page.goto("/accounts/login/code/")
    page.get_by_label("E-mailadres").fill("bewoner@example.org")
    with page.expect_navigation(url="**/accounts/login/code/confirm/") as navigation:
        page.get_by_role("button", name="Stuur me een code").click()
    assert navigation.value.status == 200
    assert "default-src 'self'" in navigation.value.headers["content-security-policy"]
    page.wait_for_load_state("load")
    page.goto("/accounts/password/reset/")
    # The language switch posts a form and comes back in English: still nothing refused.
    page.get_by_role("button", name="EN").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert found == [] and messages == [], found + messages


def test_resident_and_officer_pages_load_without_a_policy_violation(page, demo, violations):
    found, messages = violations
    own = demo["own"].slug
    log_in(page, "bewoner@example.org", DEMO_PASSWORD)
    _visit(
        page,
        [
            "/account/",
            "/wijkondernemingen/mijn/",
            "/wijkondernemingen/aanmelden/",
            f"/wijkondernemingen/{own}/",
            f"/wijkondernemingen/{own}/bewerken/",
            f"/wijkondernemingen/{own}/bezit/",
            f"/wijkondernemingen/{own}/bezit/nieuw/",
            f"/wijkondernemingen/{own}/cijfers/",
            f"/wijkondernemingen/{own}/cijfers/nieuw/",
            f"/wijkondernemingen/{own}/leden/",
            "/wijkbv/aanmelden/",
        ],
    )
    log_out(page)
    log_in(page, "ambtenaar@example.org", DEMO_PASSWORD)
    _visit(page, [f"/gemeenten/{demo['municipality'].slug}/", "/kennisbank/zoeken/?q=gemeente"])
    assert found == [] and messages == [], found + messages


def test_staff_pages_and_htmx_updates_run_without_a_policy_violation(page, demo, violations):
    found, messages = violations
    log_in(page, "medewerker@example.org", DEMO_PASSWORD)
    pioneer = demo["pioneer"]
    year = _open_reporting_round()
    _visit(
        page,
        [
            "/medewerkers/",
            "/wijkondernemingen/beoordelen/",
            "/wijkbv/beoordelen/",
            "/wijkbv/pioniers/",
            pioneer.get_absolute_url(),
            f"/wijkbv/pioniers/{pioneer.slug}/mengpaneel/",
            f"/wijkbv/pioniers/{pioneer.slug}/mengpaneel/nieuw/",
            f"/wijkbv/pioniers/{pioneer.slug}/logboek/",
            f"/wijkbv/mengpaneel/{demo['element'].slug}/",
            f"/kennisbank/casussen/programma/{demo['cohort'].slug}/",
            "/gemeenten/koppelingen/",
            "/monitor/2024/rapport/",
            "/monitor/rondes/",
            f"/monitor/rondes/{year}/",
            f"/monitor/rondes/{year}/afsluiten/",
            "/monitor/rondes/2024/",  # the demo's closed round, with the correction form
            "/admin/",
            "/admin/enterprises/enterprise/",
            f"/admin/enterprises/enterprise/{demo['enterprise'].pk}/change/",
            f"/admin/enterprises/enterprise/{demo['enterprise'].pk}/history/",
            "/admin/knowledge/report/add/",
            "/admin/accounts/user/",
        ],
    )
    # htmx (loaded from the portal itself) posts the form and swaps in the job's status.
    page.goto(demo["case"].get_absolute_url())
    assert page.locator("script[src*='htmx']").count() == 1
    # The demo's case has a PDF already ("is klaar" shows before the click): wait for the answer
    # to the click itself, so no request still runs when the test's database is emptied.
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("button", name="Maak de pdf").click()
    page.locator("#pdf-job").get_by_text("is klaar").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.querySelectorAll('head style').length") == 0
    assert found == [] and messages == [], found + messages


def _open_reporting_round() -> int:
    """The year of the demo's open reporting round (seed_demo opens one)."""
    from monitor.models import ReportingRound

    year = (
        ReportingRound.objects.filter(closed_at__isnull=True)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    assert year is not None, "the demo data has an open reporting round"
    return year


def test_the_listener_does_report_a_refused_inline_style(page, violations):
    found, messages = violations
    page.goto("/")
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(200)
    assert any("style-src-attr refused inline" in line for line in found), found
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
