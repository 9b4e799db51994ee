"""Publishing and taking back a knowledge item: who did it is in the audit log, and the status,
the entry and the search table change together or not at all. And every item keeps the HTML of
its Markdown up to date when it is saved."""

from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from knowledge import services
from knowledge.models import ItemKind, SearchDocument, Status
from lsa_portal.models import AuditAction, AuditEntry
from tests.factories import (
    ArticleFactory,
    CaseDescriptionFactory,
    FAQFactory,
    ReportFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

ITEMS = [
    (ReportFactory, ItemKind.REPORT),
    (FAQFactory, ItemKind.FAQ),
    (ArticleFactory, ItemKind.ARTICLE),
    (CaseDescriptionFactory, ItemKind.CASE),
]


@pytest.fixture
def staff():
    return StaffFactory()


def _knowledge_entries() -> list[AuditEntry]:
    # Only this app's actions: making the staff member is itself a logged role change.
    return list(AuditEntry.objects.filter(action__startswith="knowledge."))


def _entry_about(item) -> AuditEntry:
    entries = _knowledge_entries()
    assert len(entries) == 1, entries
    assert entries[0].target_type == ContentType.objects.get_for_model(item)
    assert entries[0].target_id == str(item.pk)
    return entries[0]


def _indexed(item, kind) -> bool:
    return SearchDocument.objects.filter(kind=kind, object_id=item.pk).exists()


class Broken(Exception):
    """Stands for anything that fails after the status was written (the search table, say)."""


def _break_indexing(monkeypatch) -> None:
    def fail(item):
        raise Broken

    monkeypatch.setattr(services, "index_item", fail)


@pytest.mark.parametrize(("factory", "kind"), ITEMS)
def test_publishing_records_who_published_which_item(staff, factory, kind):
    item = factory(status=Status.DRAFT, published_at=None)
    when = timezone.make_aware(datetime(2026, 3, 2, 10, 30))

    services.publish(item, by=staff, when=when)

    item.refresh_from_db()
    assert (item.status, item.published_at) == (Status.PUBLISHED, when)
    assert _indexed(item, kind)
    entry = _entry_about(item)
    assert entry.action == AuditAction.KNOWLEDGE_PUBLISHED
    assert (entry.actor, entry.actor_number) == (staff, staff.pk)
    assert entry.target_label == str(item)
    assert entry.details == {
        "kind": kind.value,
        "previous": "concept",
        "published_at": str(when),
    }


@pytest.mark.parametrize(("factory", "kind"), ITEMS)
def test_taking_back_records_who_made_the_item_a_draft(staff, factory, kind):
    item = factory()
    assert _indexed(item, kind)

    services.unpublish(item, by=staff)

    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert not _indexed(item, kind)
    entry = _entry_about(item)
    assert entry.action == AuditAction.KNOWLEDGE_UNPUBLISHED
    assert entry.actor == staff
    assert entry.details == {"kind": kind.value, "previous": "gepubliceerd"}


def test_republishing_keeps_the_first_moment_and_says_it_was_published(staff):
    first = timezone.now() - timedelta(days=3)
    article = ArticleFactory(published_at=first)

    services.publish(article, by=staff)

    article.refresh_from_db()
    assert article.published_at == first
    assert _entry_about(article).details["previous"] == "gepubliceerd"


def test_the_system_may_publish_without_a_person(staff):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)

    services.publish(article, by=None)

    entry = _entry_about(article)
    assert entry.actor is None and entry.actor_number is None


def test_a_failure_after_the_status_change_leaves_the_item_a_draft_and_no_entry(staff, monkeypatch):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    _break_indexing(monkeypatch)

    with pytest.raises(Broken):
        services.publish(article, by=staff)

    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.DRAFT, None)
    assert _knowledge_entries() == []
    assert not SearchDocument.objects.exists()


def test_a_failure_after_the_status_change_leaves_the_item_published_and_no_entry(
    staff, monkeypatch
):
    report = ReportFactory(title="Blijft staan")
    _break_indexing(monkeypatch)

    with pytest.raises(Broken):
        services.unpublish(report, by=staff)

    report.refresh_from_db()
    assert report.status == Status.PUBLISHED
    assert _knowledge_entries() == []
    assert list(SearchDocument.objects.values_list("title", flat=True)) == ["Blijft staan"]


def test_a_report_without_its_pdf_is_refused_without_an_entry(staff):
    report = ReportFactory(status=Status.DRAFT, published_at=None, pdf=None)

    with pytest.raises(ValidationError):
        services.publish(report, by=staff)

    report.refresh_from_db()
    assert report.status == Status.DRAFT
    assert _knowledge_entries() == []


# --- The HTML of the Markdown, kept by every item's save ----------------------------------------

MARKDOWN = [
    (ReportFactory, "body", "body_html"),
    (FAQFactory, "answer", "answer_html"),
    (ArticleFactory, "body", "body_html"),
    (CaseDescriptionFactory, "body", "body_html"),
]


@pytest.mark.parametrize(("factory", "source", "html"), MARKDOWN)
def test_saving_an_item_renders_its_markdown_and_follows_every_edit(factory, source, html):
    item = factory(**{source: "Eerst **vet**."})
    item.refresh_from_db()
    assert getattr(item, html) == "<p>Eerst <strong>vet</strong>.</p>"

    setattr(item, source, "Dan <script>alert(1)</script>[een link](https://example.org).")
    item.save()

    item.refresh_from_db()
    assert getattr(item, html) == (
        '<p>Dan <a href="https://example.org" rel="noopener noreferrer">een link</a>.</p>'
    )
