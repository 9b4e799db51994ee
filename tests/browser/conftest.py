"""Playwright on Debian's Chromium (Playwright's own browser download does not work here)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.factories import DEFAULT_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="package")
def browser():
    """Chromium for the tests of this folder, and Django's async-safety check lifted exactly as
    long as it runs. Playwright's sync API keeps an event loop running in the test thread from
    its start to its end, and Django refuses ORM calls from a thread with a running loop; the
    browser tests' own ORM calls (factories, assertions, database fixtures) are synchronous and
    safe. The loop also changes which database connection the thread sees (Django keeps them in
    an asgiref ``Local``, per async context while a loop runs), so it must not outlive this
    folder: a session-wide browser hid the test database's serialized snapshot from every
    serialized-rollback test after it, and needed the check lifted for the whole process."""
    require_service(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Browser tests run against a live server, so their database is emptied after each test,
    taking the municipalities and themes that a migration loaded: put them back."""
    from enterprises.models import Municipality, Theme
    from enterprises.reference_data import load

    if not Municipality.objects.exists():
        load(Municipality, Theme)


@pytest.fixture(params=[(1280, 900), (390, 844)], ids=["desktop", "phone"])
def viewport(request):
    return {"width": request.param[0], "height": request.param[1]}


@pytest.fixture
def page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, locale="nl-NL", base_url=live_server.url)
    page = context.new_page()
    requests_elsewhere = []
    page.on(
        "request",
        lambda req: (
            requests_elsewhere.append(req.url)
            if not req.url.startswith(live_server.url) and not req.url.startswith("data:")
            else None
        ),
    )
    yield page
    context.close()
    assert not requests_elsewhere, f"the page fetched from other hosts: {requests_elsewhere}"


@pytest.fixture
def axe_page(browser, live_server, viewport):
    """A page with the Content-Security-Policy bypassed, so that axe can be injected."""
    from tests.browser.axe import require_axe

    require_axe()
    context = browser.new_context(
        viewport=viewport, locale="nl-NL", base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    elsewhere = []
    page.on(
        "request",
        lambda req: (
            elsewhere.append(req.url)
            if not req.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    yield page
    context.close()
    assert not elsewhere, f"the page fetched from other hosts: {elsewhere}"


def screenshot(page, name: str) -> None:
    """Keep a screenshot in var/screenshots/ for a person to look at, and check that the page
    fits its width (nothing to scroll sideways, also on a phone)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name} is {scroll_width}px wide at a {width}px viewport"


def log_in(page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
