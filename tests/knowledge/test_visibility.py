"""Only published items are public; staff preview drafts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    CaseDescriptionFactory,
    FAQFactory,
    MunicipalOfficerFactory,
    ReportFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ITEM_FACTORIES = {
    "report": ReportFactory,
    "article": ArticleFactory,
    "case": CaseDescriptionFactory,
}
ROLES = {
    "anonymous": (None, 404),
    "resident": (UserFactory, 404),
    "officer": (MunicipalOfficerFactory, 404),
    "staff": (StaffFactory, 200),
}


def _login(client, role):
    factory, expected = ROLES[role]
    if factory:
        client.force_login(factory())
    return expected


@pytest.mark.parametrize("kind", ITEM_FACTORIES)
@pytest.mark.parametrize("role", ROLES)
def test_draft_is_hidden_except_for_staff(client, kind, role):
    item = ITEM_FACTORIES[kind](status="concept", published_at=None)
    expected = _login(client, role)
    response = client.get(item.get_absolute_url())
    assert response.status_code == expected
    if expected == 200:
        assert "Dit is een concept: bezoekers zien het niet." in response.content.decode()


@pytest.mark.parametrize("kind", ITEM_FACTORIES)
@pytest.mark.parametrize("role", ROLES)
def test_published_item_is_public_for_everyone(client, kind, role):
    item = ITEM_FACTORIES[kind]()
    _login(client, role)
    assert client.get(item.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("kind", ITEM_FACTORIES)
def test_item_with_a_future_publication_moment_is_not_public_yet(client, kind):
    item = ITEM_FACTORIES[kind](published_at=timezone.now() + timedelta(days=2))
    assert client.get(item.get_absolute_url()).status_code == 404
    search = reverse("knowledge:search")
    assert item.title not in client.get(search).content.decode()
    assert 'class="kb-hit"' not in client.get(search, {"q": item.title}).content.decode()
    client.force_login(StaffFactory())
    assert "Bezoekers zien dit vanaf" in client.get(item.get_absolute_url()).content.decode()


def test_drafts_stay_out_of_search_lists_feed_faq_and_downloads(client):
    report = ReportFactory(title="Geheim conceptrapport", status="concept")
    FAQFactory(question="Geheime conceptvraag?", status="concept")
    ArticleFactory(title="Geheim conceptartikel", status="concept")
    for url in (
        reverse("knowledge:search"),
        reverse("knowledge:search") + "?q=geheim",
        reverse("knowledge:reports"),
        reverse("knowledge:articles"),
        reverse("knowledge:faq"),
        reverse("knowledge:feed"),
        reverse("knowledge:index"),
        "/sitemap.xml",
    ):
        html = client.get(url).content.decode()
        assert "Geheim" not in html, url
    assert client.get(reverse("knowledge:report_download", args=[report.slug])).status_code == 404


def test_staff_see_drafts_in_lists_marked_as_draft(client):
    ReportFactory(title="Conceptrapport voor de medewerker", status="concept")
    client.force_login(StaffFactory())
    html = client.get(reverse("knowledge:reports")).content.decode()
    assert "Conceptrapport voor de medewerker" in html
    assert "Concept" in html


def test_unpublishing_removes_an_item_from_the_search(client):
    from knowledge import services

    report = ReportFactory(title="Rapport dat teruggaat")
    assert "Rapport dat teruggaat" in client.get(reverse("knowledge:search")).content.decode()
    services.unpublish(report, by=StaffFactory())
    assert "Rapport dat teruggaat" not in client.get(reverse("knowledge:search")).content.decode()
    assert client.get(report.get_absolute_url()).status_code == 404


def test_deleting_an_item_removes_it_from_the_search():
    from knowledge.models import SearchDocument

    article = ArticleFactory()
    assert SearchDocument.objects.filter(kind="artikel", object_id=article.pk).exists()
    article.delete()
    assert not SearchDocument.objects.filter(kind="artikel", object_id=article.pk).exists()
