"""Staff keep the knowledge base in the admin: lists, forms, publish and unpublish."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge.models import ItemKind, Report, SearchDocument, Status
from lsa_portal.models import AuditAction, AuditEntry
from tests.factories import (
    MINIMAL_PDF,
    ArticleFactory,
    FAQFactory,
    ReportFactory,
    ReportRequestFactory,
    StaffFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "report",
    "faq",
    "faqcategory",
    "article",
    "casedescription",
    "audience",
    "reportrequest",
    "subscriber",
    "advicerequest",
]


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_open_every_knowledge_list_in_the_admin(staff_client, model):
    ReportFactory()
    FAQFactory()
    ReportRequestFactory()
    SubscriberFactory()
    response = staff_client.get(reverse(f"admin:knowledge_{model}_changelist"))
    assert response.status_code == 200


def test_report_list_in_the_admin_shows_the_counts(staff_client):
    ReportFactory(title="Geteld", view_count=12, download_count=5, request_count=3)
    html = staff_client.get(reverse("admin:knowledge_report_changelist")).content.decode()
    assert "Geteld" in html and ">12<" in html and ">5<" in html and ">3<" in html


def _report_form(**changes):
    data = {
        "title": "Nieuw rapport",
        "slug": "nieuw-rapport",
        "subtitle": "",
        "summary": "Samenvatting",
        "key_lessons": "",
        "body": "Tekst",
        "authors": "Auteur",
        "partners": "",
        "commissioned_by": "",
        "commissioning_municipality": "",
        "publication_date": "2025-01-01",
        "access": "open",
        "status": "gepubliceerd",
        "published_at_0": "2025-01-01",
        "published_at_1": "10:00:00",
        "pdf": SimpleUploadedFile("rapport.pdf", MINIMAL_PDF, content_type="application/pdf"),
    }
    data.update(changes)
    return data


def test_staff_add_a_published_report_and_it_is_searchable(staff_client):
    response = staff_client.post(reverse("admin:knowledge_report_add"), _report_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    report = Report.objects.get()
    assert SearchDocument.objects.filter(kind="rapport", object_id=report.pk).exists()


def test_admin_refuses_a_file_that_is_not_a_pdf(staff_client):
    fake = SimpleUploadedFile("rapport.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = staff_client.post(reverse("admin:knowledge_report_add"), _report_form(pdf=fake))
    assert response.status_code == 200
    assert "Dit bestand is geen pdf" in response.content.decode()
    assert not Report.objects.exists()


def test_publish_and_unpublish_actions_record_the_staff_member(client):
    staff = StaffFactory()
    client.force_login(staff)
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    url = reverse("admin:knowledge_article_changelist")
    client.post(url, {"action": "publish_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at
    assert SearchDocument.objects.filter(kind=ItemKind.ARTICLE, object_id=article.pk).exists()
    client.post(url, {"action": "unpublish_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert not SearchDocument.objects.filter(kind=ItemKind.ARTICLE).exists()
    entries = AuditEntry.objects.filter(action__startswith="knowledge.").order_by("pk")
    assert [(entry.action, entry.actor) for entry in entries] == [
        (AuditAction.KNOWLEDGE_PUBLISHED, staff),
        (AuditAction.KNOWLEDGE_UNPUBLISHED, staff),
    ]


def test_publish_action_explains_a_report_without_pdf(staff_client):
    report = ReportFactory(status="concept", pdf=None)
    response = staff_client.post(
        reverse("admin:knowledge_report_changelist"),
        {"action": "publish_selected", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "Voeg eerst het pdf-bestand toe" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "concept"


def test_staff_export_selected_requests_from_the_admin(staff_client):
    request = ReportRequestFactory(name="Export Persoon")
    response = staff_client.post(
        reverse("admin:knowledge_reportrequest_changelist"),
        {"action": "export_csv", "_selected_action": [request.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "Export Persoon" in response.content.decode("utf-8-sig")
