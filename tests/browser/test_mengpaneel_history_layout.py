"""The mengpaneel's history on a small phone, a phone and a desktop: the caption, every step
chart and every number are within the screen, and the table needs no sideways scrolling."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pioneers.models import Area, Element
from pioneers.reference_data import load
from tests.browser.conftest import log_in, screenshot
from tests.factories import PioneerFactory, StaffFactory, make_reading

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_history_fits_the_screen(browser, live_server, width):
    load(Area, Element)  # the data migration's rows, in case an earlier test emptied the tables
    staff = StaffFactory()
    pioneer = PioneerFactory()
    today = timezone.localdate()
    for months, position in ((9, 30), (6, 45), (3, 40), (0, 70)):
        make_reading(pioneer, taken_on=today - timedelta(days=30 * months), position=position)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="nl-NL", base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, staff.email)
    page.goto(f"/wijkbv/pioniers/{pioneer.slug}/mengpaneel/")
    caption = page.get_by_text("Het verloop van elk schuifje tijdens het programma")
    charts = page.locator(".movement .step-line")
    assert charts.count() > 5
    inside = [caption, *charts.all(), *page.locator(".movement td.num").all()]
    for element in inside:
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, element
    region = page.get_by_role("region", name="Het verloop van elk schuifje tijdens het programma")
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth")
    row = page.get_by_role("row", name="Eigenaarschap")
    assert [cell.inner_text() for cell in row.get_by_role("cell").all()][1:] == ["30", "70", "+40"]
    screenshot(page, "mengpaneel-history-fit")
    context.close()
