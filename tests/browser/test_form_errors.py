"""What a screen-reader or keyboard user meets when a form is not right: the summary is announced
and has the focus, its links lead to the fields, and each field is described by its message."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pioneers.models import ApplicationStatus
from tests.browser.axe import error_summary, error_wiring_problems, wait_for_focus_on_errors
from tests.browser.conftest import log_in
from tests.browser.keyboard import assert_focus_visible, tab_to
from tests.factories import ApplicationFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_error_summary_is_announced_and_leads_to_each_field(page):
    page.goto("/accounts/signup/")
    tab_to(page, "E-mailadres")
    page.keyboard.type("geen-adres")
    tab_to(page, "Registreren", exact=True)
    page.keyboard.press("Enter")
    wait_for_focus_on_errors(page)

    summary = error_summary(page)
    assert summary["role"] == "alert" and summary["focused"]
    assert "Verbeter eerst het volgende" in summary["text"]
    assert "E-mailadres: Voer een geldig e-mailadres in." in summary["text"]
    assert [link["href"] for link in summary["links"]] == [
        "#id_email",
        "#id_password1",
        "#id_password2",
    ]
    assert all(link["invalid"] for link in summary["links"])
    assert not error_wiring_problems(page)

    email = page.locator("#id_email")
    expect(email).to_have_accessible_name("E-mailadres")
    expect(email).to_have_accessible_description("Voer een geldig e-mailadres in.")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("geen-adres")  # nothing typed is lost

    # Follow the second link of the summary: the focus goes to the password field.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["name"].startswith("Wachtwoord: Dit veld is verplicht.")
    page.keyboard.press("Enter")
    expect(page.locator("#id_password1")).to_be_focused()
    expect(page.locator("#id_password1")).to_have_accessible_description(
        re.compile("Dit veld is verplicht.")
    )


def test_a_group_of_radio_buttons_is_described_by_its_error_as_a_whole(page):
    staff = StaffFactory()
    application = ApplicationFactory(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    log_in(page, staff.email)
    page.goto(f"/wijkbv/beoordelen/{application.pk}/")
    page.get_by_role("button", name="Besluit bevestigen").click()
    wait_for_focus_on_errors(page)

    summary = error_summary(page)
    assert summary["links"] == [{"href": "#id_decision_0", "invalid": True}]
    assert not error_wiring_problems(page)
    group = page.get_by_role("group", name="Besluit")
    expect(group).to_have_accessible_description("Dit veld is verplicht.")
    expect(group.get_by_role("radio").first).to_have_attribute("aria-invalid", "true")


def test_a_refusal_after_a_redirect_takes_the_focus_and_is_announced(page):
    resident = UserFactory()
    application = ApplicationFactory(answer_ambition="")
    MembershipFactory(enterprise=application.enterprise, user=resident)
    log_in(page, resident.email)
    page.goto(f"/wijkbv/aanmeldingen/{application.pk}/")
    page.get_by_role("button", name="Aanmelding indienen").click()
    wait_for_focus_on_errors(page)

    message = page.get_by_role("alert")
    expect(message).to_be_focused()
    expect(message).to_contain_text("ambitie")
