"""What a person sees on the home page and through sign-up, verification and log-in."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_home_page_explains_the_portal_to_each_audience(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Bewoners die hun eigen wijk runnen"
    for audience in (
        "Bewoners en initiatiefnemers",
        "Gemeenten en professionals",
        "Pioniers van het WijkBV-programma",
    ):
        assert page.get_by_role("heading", name=audience).is_visible()
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    for link in ("Wijkondernemingen", "WijkBV-programma", "Kennisbank"):
        assert nav.get_by_role("link", name=link).count() == 1
    screenshot(page, "home")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()


def test_language_switch_turns_the_page_english(page):
    page.goto("/")
    page.get_by_role("button", name=re.compile("EN")).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Residents who run their own neighbourhood"
    )


def test_a_new_resident_signs_up_verifies_logs_in_and_out(page, live_server):
    password = "Een-lang-wachtwoord-42"
    page.goto("/accounts/signup/")
    assert page.get_by_role("heading", level=1).inner_text() == "Registreren"
    screenshot(page, "signup")

    page.get_by_label("E-mailadres").fill("nieuwe.bewoner@example.org")
    page.get_by_label("Wachtwoord", exact=True).fill("kort")
    page.get_by_label("Wachtwoord (bevestigen)").fill("anders")
    page.get_by_role("button", name="Registreren").click()
    assert page.get_by_label("E-mailadres").input_value() == "nieuwe.bewoner@example.org"
    assert page.locator("[aria-invalid=true]").count() >= 1

    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_label("Wachtwoord (bevestigen)").fill(password)
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert "Bevestig je e-mailadres" in page.content()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Inloggen").count() >= 1

    page.goto("/accounts/login/")
    screenshot(page, "login")
    page.get_by_label("E-mailadres").fill("nieuwe.bewoner@example.org")
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Mijn account").click()
    assert "nieuwe.bewoner@example.org" in page.content()
