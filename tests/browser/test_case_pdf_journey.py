"""Staff generate a case description's PDF from its page and download it; a visitor downloads
the published PDF from the knowledge base."""

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.factories import (
    CaseDescriptionFactory,
    EnterpriseFactory,
    StaffFactory,
    YearFiguresFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_generate_the_pdf_and_a_visitor_downloads_it(page, browser, live_server):
    enterprise = EnterpriseFactory(name="Buurtbedrijf De Drukpers")
    YearFiguresFactory(enterprise=enterprise)
    case = CaseDescriptionFactory(title="De Drukpers drukt door", enterprise=enterprise)
    staff = StaffFactory()

    log_in(page, staff.email)
    page.goto(f"/kennisbank/casussen/{case.slug}/")
    page.get_by_role("button", name="Maak de pdf").click()
    status = page.locator("#pdf-job")
    status.get_by_text("is klaar").wait_for()
    screenshot(page, "case-pdf-ready")
    with page.expect_download() as download:
        status.get_by_role("link", name="Downloaden").click()
    assert download.value.suggested_filename == f"casus-{case.slug}.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    visitor = browser.new_context(base_url=live_server.url, viewport=page.viewport_size)
    public = visitor.new_page()
    public.goto(f"/kennisbank/casussen/{case.slug}/")
    assert public.get_by_role("button", name="Maak de pdf").count() == 0
    with public.expect_download() as download:
        public.get_by_role("link", name="Download de casusbeschrijving (pdf)").click()
    assert download.value.suggested_filename == f"casus-{case.slug}.pdf"
    visitor.close()
