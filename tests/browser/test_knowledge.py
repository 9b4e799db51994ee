"""An officer finds a report in the knowledge base, requests it and downloads it by the link
from the mail; a changed link is refused with a clear page."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import screenshot
from tests.factories import DEFAULT_PASSWORD, MunicipalOfficerFactory, ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data():
    # Transactional tests empty the tables between tests, the migrations' rows included.
    from enterprises.models import Theme
    from knowledge.models import Audience

    Theme.objects.get_or_create(slug="energie", defaults={"name": "Energie"})
    Theme.objects.get_or_create(slug="vastgoed", defaults={"name": "Vastgoed"})
    Audience.objects.get_or_create(slug="gemeente", defaults={"name": "Gemeenten"})


def test_officer_searches_requests_and_downloads_a_report(page, reference_data):
    officer = MunicipalOfficerFactory(email="ambtenaar.zoekt@example.org")
    ReportFactory(
        title="De wijkonderneming en de gemeente",
        subtitle="Hoe samenwerken werkt",
        summary="Over een wijkonderneming die de energie van haar buurt in eigen hand neemt.",
        key_lessons="Begin met één opdracht\nSpreek één vast aanspreekpunt af",
        body="## Aanleiding\n\nDe gemeente en de bewoners zochten samen naar een vorm.",
        access="op-aanvraag",
        themes=["energie"],
        audiences=["gemeente"],
    )
    ReportFactory(
        title="Een wijkonderneming koopt een pand",
        summary="Over vastgoed in de wijk.",
        themes=["vastgoed"],
    )

    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres").fill(officer.email)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()

    page.goto("/kennisbank/")
    page.get_by_label("Zoeken in de kennisbank").fill("wijkondernemingen")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_url("**/kennisbank/zoeken/?q=wijkondernemingen")
    assert "2 resultaten voor “wijkondernemingen”" in page.content()

    page.get_by_label("Thema").select_option("energie")
    page.get_by_role("button", name="Filters toepassen").click()
    page.wait_for_url(re.compile(r"theme=energie"))
    heading = page.get_by_role("heading", level=2, name=re.compile("resultaat"))
    assert heading.inner_text() == "1 resultaat voor “wijkondernemingen”"
    assert page.get_by_role("link", name="Een wijkonderneming koopt een pand").count() == 0
    assert page.locator(".kb-snippet mark").count() >= 1
    screenshot(page, "kb-search")

    page.get_by_role("link", name="De wijkonderneming en de gemeente").click()
    assert page.get_by_role("heading", level=1).inner_text() == "De wijkonderneming en de gemeente"
    assert page.get_by_role("heading", name="Belangrijkste lessen").is_visible()
    screenshot(page, "kb-report")

    page.get_by_role("link", name="Rapport aanvragen").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Stuur mij de link").click()
    assert page.locator("[aria-invalid=true]").count() >= 3  # nothing filled in: explained
    page.get_by_label("Naam").fill("Ruben Fictief")
    page.get_by_label("E-mailadres").fill("ruben.fictief@example.org")
    page.get_by_label("Organisatie").fill("Gemeente Voorbeeld")
    page.get_by_label("Je bent").select_option("gemeente")
    page.get_by_label("Ik ga ermee akkoord").check()
    screenshot(page, "kb-request")
    page.get_by_role("button", name="Stuur mij de link").click()
    page.wait_for_url("**/aangevraagd/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kijk in je mail"

    message = mail.outbox[-1]
    assert message.to == ["ruben.fictief@example.org"]
    path = re.search(r"https?://[^/\s]+(/kennisbank/rapporten/\S+/download/\S+/)", message.body)
    link = path.group(1)
    with page.expect_download() as download_info:
        page.evaluate("url => { window.location.href = url; }", link)
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    response = page.goto(link[:-6] + "xxxxx/")
    assert response.status == 400
    assert page.get_by_role("heading", level=1).inner_text() == "Deze link klopt niet"
    screenshot(page, "kb-link-refused")


def test_faq_page_links_to_a_question_by_its_anchor(page, reference_data):
    from tests.factories import FAQCategoryFactory, FAQFactory

    category = FAQCategoryFactory(name="Over geld", slug="over-geld")
    FAQFactory(category=category, question="Hoe verdient een wijkonderneming geld?", slug="geld")
    FAQFactory(
        category=category,
        question="Mag een wijkonderneming winst maken?",
        slug="winst",
        answer="Ja, als de winst naar de wijk gaat.",
    )
    page.goto("/kennisbank/veelgestelde-vragen/")
    page.get_by_role("link", name="Over geld").click()
    assert page.url.endswith("#over-geld")
    # Each answer is folded under its question; a link to the question opens it.
    page.goto("/kennisbank/veelgestelde-vragen/#geld")
    assert page.locator("#geld").is_visible()
    assert page.locator("details:has(#geld)").get_attribute("open") is not None
    answer = page.get_by_text("Ja, als de winst naar de wijk gaat.")
    assert not answer.is_visible()
    question = page.locator("summary", has_text="Mag een wijkonderneming winst maken?")
    question.focus()
    page.keyboard.press("Enter")
    assert answer.is_visible()
    screenshot(page, "kb-faq")


def test_faq_questions_open_without_javascript(browser, live_server, reference_data):
    from tests.factories import FAQFactory

    FAQFactory(question="Wat doet de gemeente?", slug="gemeente", answer="Zij koopt in.")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/kennisbank/veelgestelde-vragen/#gemeente")
    assert page.get_by_text("Zij koopt in.").is_visible()
    page.goto("/kennisbank/veelgestelde-vragen/")
    assert not page.get_by_text("Zij koopt in.").is_visible()
    page.get_by_text("Wat doet de gemeente?").click()
    assert page.get_by_text("Zij koopt in.").is_visible()
    context.close()
