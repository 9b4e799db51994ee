"""The directory on a phone and on a desktop: on a phone the results come first and the filters
wait behind a disclosure that opens with the keyboard, without JavaScript; on a desktop the
filters stand open beside the results."""

import pytest

from enterprises.models import Municipality
from tests.browser.conftest import screenshot
from tests.factories import EnterpriseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_results_first_on_a_phone_and_filters_beside_them_on_a_desktop(browser, live_server):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    for name in ("Buurtbedrijf Eén", "Buurtbedrijf Twee", "Buurtbedrijf Drie"):
        EnterpriseFactory(name=name, municipality=utrecht)
    address = f"{live_server.url}/wijkondernemingen/?provincie=utrecht"

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-NL", java_script_enabled=False
    )
    phone = context.new_page()
    phone.goto(address)
    toggle = phone.locator("summary", has_text="Zoeken en filteren")
    assert toggle.inner_text().split() == ["Zoeken", "en", "filteren", "(1", "actief)"]
    assert not phone.get_by_label("Naam of plaats").is_visible()
    first = phone.locator(".enterprise-card").first
    assert first.bounding_box()["y"] < toggle.bounding_box()["y"] + 250  # no form in between
    assert phone.get_by_role("link", name="Provincie: Utrecht").is_visible()
    screenshot(phone, "directory-filters-closed")
    toggle.focus()
    phone.keyboard.press("Enter")
    assert phone.get_by_label("Naam of plaats").is_visible()
    screenshot(phone, "directory-filters-open")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    desktop = context.new_page()
    desktop.goto(address)
    search = desktop.get_by_label("Naam of plaats")
    card = desktop.locator(".enterprise-card").first
    assert search.is_visible() and not desktop.locator("summary.filters__toggle").is_visible()
    assert search.bounding_box()["x"] + search.bounding_box()["width"] < card.bounding_box()["x"]
    assert search.bounding_box()["y"] < card.bounding_box()["y"] + 200  # side by side
    screenshot(desktop, "directory-filters-beside")
    context.close()
