"""A stranger locks a resident's password with wrong guesses; the resident still gets in, with a
code from the mail, as the log-in page tells them."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import screenshot
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_locked_out_resident_logs_in_with_a_code_from_the_mail(page):
    resident = UserFactory(email="fatima@example.org", first_name="Fatima")
    page.goto("/accounts/login/")
    for _ in range(5):  # someone else's guesses
        page.get_by_label("E-mailadres").fill(resident.email)
        page.get_by_label("Wachtwoord", exact=True).fill("fout-wachtwoord")
        page.get_by_role("button", name="Inloggen", exact=True).click()
        page.get_by_text("niet correct").first.wait_for()

    # The resident, with the right password: paused, and told what works instead.
    page.get_by_label("E-mailadres").fill(resident.email)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.get_by_text("inloggen met een wachtwoord staat een paar minuten stil").wait_for()
    screenshot(page, "login-locked")
    page.get_by_role("link", name="inloggen met een code per e-mail", exact=True).click()

    page.get_by_role("heading", name="Inloggen met een code").wait_for()
    screenshot(page, "login-code-request")
    page.get_by_label("E-mailadres").fill(resident.email)
    page.get_by_role("button", name="Stuur me een code").click()
    page.get_by_role("heading", name="Vul je code in").wait_for()
    screenshot(page, "login-code-confirm")
    code = re.search(r"^\s*([A-Z]{4}-[A-Z]{4})\s*$", mail.outbox[-1].body, re.MULTILINE)
    assert mail.outbox[-1].to == [resident.email] and code

    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.get_by_role("button", name="Uitloggen").wait_for()  # logged in
