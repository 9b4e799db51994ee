"""A resident registers an initiative, completes and submits it; staff publish it; a visitor
finds it with a filter and opens its profile."""

import pytest

from enterprises.models import Enterprise, EnterpriseStatus
from tests.browser.conftest import log_in, log_out, screenshot
from tests.factories import StaffFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_from_registration_to_a_published_profile(page):
    resident = UserFactory(email="initiatiefnemer@example.org")
    staff = StaffFactory(email="redactie@example.org")

    log_in(page, resident.email)
    page.goto("/wijkondernemingen/aanmelden/")
    page.get_by_role("button", name="Bewaren als concept").click()
    assert page.locator("[aria-invalid=true]").count() >= 3  # nothing filled in: errors, no 500
    page.get_by_label("Naam van het initiatief").fill("Buurtbedrijf Het Zonnedak")
    page.get_by_label("Soort").select_option(label="Energiecoöperatie")
    page.get_by_label("Gemeente").select_option(label="Zwolle")
    page.get_by_label("Wijk of dorp").fill("Assendorp")
    screenshot(page, "enterprise-register")
    page.get_by_role("button", name="Bewaren als concept").click()
    page.wait_for_url("**/bewerken/")
    assert "Vul eerst in, voordat je indient" in page.content()

    page.get_by_label("Postcode").fill("8011ab")
    page.get_by_label("Kvk-nummer").fill("123")
    page.get_by_role("button", name="Opslaan").click()
    assert "precies 8 cijfers" in page.content()
    assert page.get_by_label("Postcode").input_value() == "8011ab"  # kept what was typed

    page.get_by_label("Kvk-nummer").fill("87654321")
    page.get_by_label("Opgericht in").fill("2016")
    page.get_by_label("Korte pitch").fill(
        "Zonnepanelen op de daken van Assendorp, de opbrengst blijft in de wijk."
    )
    page.get_by_label("Missie").fill(
        "Samen wekken we onze eigen stroom op en investeren we in de buurt."
    )
    page.get_by_label("Energie").check()
    page.get_by_role("button", name="Opslaan").click()
    assert "Het profiel is opgeslagen." in page.content()
    screenshot(page, "enterprise-edit")

    page.get_by_role("link", name="Jaarcijfers").click()
    page.get_by_role("link", name="Jaar toevoegen").click()
    page.get_by_label("Jaar").fill("2024")
    page.get_by_label("Verkoop van producten en diensten").fill("48.000")
    page.get_by_label("Subsidies").fill("12.000")
    page.get_by_label("Totale uitgaven").fill("55.000")
    screenshot(page, "enterprise-figures")
    page.get_by_role("button", name="Opslaan").click()
    assert "De cijfers voor 2024 zijn opgeslagen." in page.content()

    page.get_by_role("link", name="Profiel").click()
    page.get_by_role("button", name="Indienen voor publicatie").click()
    page.wait_for_url("**/mijn/")
    assert "Ingediend" in page.content()
    log_out(page)

    log_in(page, staff.email)
    page.goto("/wijkondernemingen/beoordelen/")
    page.get_by_role("link", name="Buurtbedrijf Het Zonnedak").click()
    page.get_by_label("Publiceren").check()
    page.get_by_role("button", name="Besluit bevestigen").click()
    assert "Buurtbedrijf Het Zonnedak is gepubliceerd." in page.content()
    log_out(page)
    assert Enterprise.objects.get().status == EnterpriseStatus.PUBLISHED

    page.goto("/wijkondernemingen/")
    if page.viewport_size["width"] < 896:  # on a phone the filters wait behind a disclosure
        page.get_by_text("Zoeken en filteren").first.click()
    page.get_by_label("Soort").select_option(label="Energiecoöperatie")
    page.get_by_label("Provincie").select_option(label="Overijssel")
    page.get_by_role("button", name="Toon resultaten").click()
    assert "1 onderneming" in page.get_by_role("heading", level=2, name="onderneming").inner_text()
    screenshot(page, "directory-filtered")
    page.get_by_role("link", name="Buurtbedrijf Het Zonnedak").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Buurtbedrijf Het Zonnedak"
    assert page.get_by_role(
        "img", name="Omzetmix 2024: Verkoop van producten en diensten 80%, Subsidies 20%."
    ).is_visible()
    screenshot(page, "profile")
