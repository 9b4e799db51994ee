"""Without a mouse: a new resident signs up, confirms the e-mail address, registers an initiative,
completes it and submits it for publication, with Tab, Shift+Tab, Enter, Space and typing only.
Every control on the way shows where the focus is, and the skip link jumps to the content."""

import re

import pytest
from django.core import mail

from enterprises.models import Enterprise, EnterpriseStatus
from tests.browser.keyboard import assert_focus_visible, tab_to, type_into

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "Een-lang-wachtwoord-42"


def test_skip_link_jumps_over_the_header_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = assert_focus_visible(page)
    assert skip["name"] == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    first = assert_focus_visible(page)
    assert first["inMain"], f"after the skip link the focus went to {first}"
    assert first["name"] == "Bekijk de wijkondernemingen"


def test_sign_up_register_and_submit_an_initiative_with_the_keyboard_only(page):
    page.goto("/")

    # Sign up from the link in the header.
    tab_to(page, "Registreren", exact=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/signup/")
    type_into(page, "E-mailadres", "toetsenbord@example.org")
    type_into(page, "Wachtwoord", PASSWORD, exact=True)
    type_into(page, "Wachtwoord (bevestigen)", PASSWORD)
    tab_to(page, "Registreren", exact=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/confirm-email/")

    # Confirm the address with the link from the mail.
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    tab_to(page, "Bevestigen", exact=True)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)

    # Register an initiative: My initiatives, then the first step.
    tab_to(page, "Mijn initiatieven", exact=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/wijkondernemingen/mijn/")
    tab_to(page, "Meld een nieuw initiatief aan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/wijkondernemingen/aanmelden/")

    # Sent empty first: the focus lands on the summary of what is missing.
    tab_to(page, "Bewaren als concept", exact=True)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert "Dit veld is verplicht." in page.evaluate("document.activeElement.innerText")

    type_into(page, "Naam van het initiatief", "Buurtbedrijf Toetsenbord")
    type_into(page, "Soort", "Energiec")  # a closed <select> picks the option as you type
    type_into(page, "Gemeente", "Zwolle")
    type_into(page, "Wijk of dorp", "Assendorp")
    assert page.locator("#id_kind").input_value() == "energiecooperatie"
    assert page.locator("#id_municipality option:checked").inner_text() == "Zwolle"
    tab_to(page, "Bewaren als concept", exact=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/bewerken/")

    # Complete the profile: what submitting needs.
    type_into(page, "Opgericht in", "2016")
    type_into(page, "Korte pitch", "Zonnepanelen op de daken, de opbrengst blijft in de wijk.")
    type_into(page, "Missie", "Samen wekken we stroom op en investeren we in de buurt.")
    tab_to(page, "Energie", exact=True)
    page.keyboard.press("Space")
    assert page.locator("input[name=themes]:checked").count() == 1
    tab_to(page, "Opslaan", exact=True)
    page.keyboard.press("Enter")
    page.get_by_text("Het profiel is opgeslagen.").wait_for()

    # Submit: the button sits above the form, so go back up with Shift+Tab.
    tab_to(page, "Opslaan", exact=True)
    tab_to(page, "Indienen voor publicatie", exact=True, backwards=True)
    page.keyboard.press("Space")
    page.wait_for_url("**/wijkondernemingen/mijn/")
    assert "Ingediend" in page.content()

    enterprise = Enterprise.objects.get(name="Buurtbedrijf Toetsenbord")
    assert enterprise.status == EnterpriseStatus.SUBMITTED
    assert enterprise.memberships.get().user.email == "toetsenbord@example.org"
    assert enterprise.municipality.name == "Zwolle"
