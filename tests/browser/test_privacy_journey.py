"""A resident who is the last owner of an initiative archives it, downloads their data and
deletes their account, all from "My data and privacy"."""

import json

import pytest
from django.contrib.auth import get_user_model

from enterprises.models import Enterprise, EnterpriseStatus, MembershipRole
from tests.browser.conftest import log_in, screenshot
from tests.factories import DEFAULT_PASSWORD, EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_last_owner_archives_downloads_their_data_and_deletes_their_account(page):
    resident = UserFactory(email="fatima.privacy@example.org")
    enterprise = EnterpriseFactory(name="Buurtbedrijf Het Anker", slug="het-anker")
    MembershipFactory(enterprise=enterprise, user=resident, role=MembershipRole.OWNER)

    page.goto("/")
    page.locator("footer").get_by_role("link", name="Privacyverklaring").click()
    page.get_by_role("heading", name="Privacyverklaring", level=1).wait_for()
    screenshot(page, "privacy-statement")
    page.get_by_role("link", name="cookiepagina").click()
    page.get_by_role("heading", name="sessionid").wait_for()
    screenshot(page, "cookies")

    log_in(page, resident.email)
    page.goto("/account/")
    page.get_by_role("navigation", name="Accountinstellingen").get_by_role(
        "link", name="Mijn gegevens en privacy"
    ).click()
    page.get_by_role("heading", name="Mijn gegevens en privacy").wait_for()
    page.get_by_text("Je bent de laatste eigenaar van Buurtbedrijf Het Anker.").wait_for()
    assert page.get_by_role("button", name="Mijn account definitief verwijderen").count() == 0
    screenshot(page, "privacy-blocked")

    page.get_by_role("link", name="Buurtbedrijf Het Anker archiveren").click()
    page.get_by_role("button", name="Wijkonderneming archiveren").click()
    page.get_by_text("Buurtbedrijf Het Anker is gearchiveerd").wait_for()
    assert Enterprise.objects.get(pk=enterprise.pk).status == EnterpriseStatus.ARCHIVED

    page.goto("/account/privacy/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download mijn gegevens (JSON)").click()
    assert download.value.suggested_filename.startswith("mijn-gegevens-")
    with open(download.value.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["account"]["email"] == "fatima.privacy@example.org"
    assert [item["enterprise"] for item in data["enterprises"]["memberships"]] == [
        "Buurtbedrijf Het Anker"
    ]

    password = page.get_by_label("Je wachtwoord")
    password.fill("niet-mijn-wachtwoord")
    page.get_by_role("button", name="Mijn account definitief verwijderen").click()
    # The message stands at the field and, as a link to it, in the summary on top of the form.
    page.get_by_text("Dit wachtwoord klopt niet.", exact=True).wait_for()
    page.get_by_role("link", name="Je wachtwoord: Dit wachtwoord klopt niet.").wait_for()
    assert page.get_by_label("Je wachtwoord").get_attribute("aria-invalid") == "true"
    screenshot(page, "privacy-wrong-password")

    page.get_by_label("Je wachtwoord").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Mijn account definitief verwijderen").click()
    page.get_by_text("Je account en je persoonsgegevens zijn verwijderd.").wait_for()
    page.get_by_role("link", name="Inloggen").wait_for()  # logged out
    screenshot(page, "privacy-deleted")

    assert not get_user_model().objects.filter(email="fatima.privacy@example.org").exists()
    archived = Enterprise.objects.get(pk=enterprise.pk)
    assert archived.name == "Buurtbedrijf Het Anker" and archived.history.count() >= 2
