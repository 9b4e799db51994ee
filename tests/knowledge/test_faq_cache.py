"""The FAQ page is kept in a cache: what staff change in the admin shows at once, a scheduled
question appears when its moment comes, and drafts that staff preview never reach a visitor.
Each answer is folded under its question, and a link to the question opens it."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knowledge.models import Status
from tests.factories import FAQCategoryFactory, FAQFactory, ReportFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = "/kennisbank/veelgestelde-vragen/"


@pytest.fixture
def staff_client():
    staff = Client()
    staff.force_login(StaffFactory())
    return staff


@pytest.fixture
def faq():
    return FAQFactory(
        question="Wat is een wijkonderneming?",
        slug="wat-is-het",
        answer="Een onderneming van bewoners.",
        category=FAQCategoryFactory(name="Over wijkondernemingen", slug="over"),
    )


def _page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _admin_form(faq, **changes) -> dict:
    data = {
        "question": faq.question,
        "slug": faq.slug,
        "answer": faq.answer,
        "category": faq.category_id,
        "order": faq.order,
        "status": faq.status,
        "published_at_0": timezone.localtime(faq.published_at).date().isoformat(),
        "published_at_1": "00:00:00",
    }
    return {**data, **changes}


def test_an_answer_edited_in_the_admin_shows_at_once(client, staff_client, faq):
    assert "Een onderneming van bewoners." in _page(client)  # cached now
    report = ReportFactory(title="Alles over wijkondernemingen")
    response = staff_client.post(
        reverse("admin:knowledge_faq_change", args=[faq.pk]),
        _admin_form(faq, answer="Een **bedrijf** van de buurt.", related_reports=[report.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = _page(client)
    assert "Een <strong>bedrijf</strong> van de buurt." in html
    assert "Alles over wijkondernemingen" in html


def test_a_question_taken_back_to_draft_leaves_the_page_at_once(client, staff_client, faq):
    _page(client)
    staff_client.post(
        reverse("admin:knowledge_faq_changelist"),
        {"action": "unpublish_selected", "_selected_action": [faq.pk]},
    )
    assert "Wat is een wijkonderneming?" not in _page(client)


def test_a_renamed_category_and_a_withdrawn_report_show_at_once(client, staff_client, faq):
    report = ReportFactory(title="Het oude rapport")
    faq.related_reports.add(report)
    assert "Het oude rapport" in _page(client)
    category = faq.category
    staff_client.post(
        reverse("admin:knowledge_faqcategory_change", args=[category.pk]),
        {"name": "Wat het is", "slug": category.slug, "position": category.position},
    )
    staff_client.post(
        reverse("admin:knowledge_report_changelist"),
        {"action": "unpublish_selected", "_selected_action": [report.pk]},
    )
    html = _page(client)
    assert "Wat het is" in html and "Het oude rapport" not in html


def test_a_scheduled_question_appears_when_its_moment_comes(client):
    moment = timezone.now() + timedelta(minutes=3)
    FAQFactory(question="Vraag van straks", published_at=moment)
    assert "Vraag van straks" not in _page(client)
    with time_machine.travel(moment + timedelta(seconds=1)):
        assert "Vraag van straks" in _page(client)


def test_drafts_that_staff_preview_never_reach_a_visitor(client, staff_client, faq):
    FAQFactory(question="Nog geheime vraag", status=Status.DRAFT, published_at=None)
    staff_html = _page(staff_client)
    assert "Nog geheime vraag" in staff_html and "Concept" in staff_html
    assert "Nog geheime vraag" not in _page(client)
    assert "Nog geheime vraag" in _page(staff_client)


def test_each_answer_is_folded_under_its_question_and_its_link_opens_it(client, faq):
    html = _page(client)
    question = html.split('<details class="kb-faq">')[1].split("</details>")[0]
    assert '<summary class="kb-faq__question">Wat is een wijkonderneming?</summary>' in question
    # The link's target sits inside the folded part: browsers open a details to show it.
    assert '<div class="kb-faq__answer" id="wat-is-het">' in question
    assert 'href="#wat-is-het"' in question
    assert faq.get_absolute_url() == f"{URL}#wat-is-het"
