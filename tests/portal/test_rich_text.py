"""Text that staff or residents write is shown as HTML only through the nh3 allow-list; every
other place escapes it. A new ``|safe`` or ``mark_safe`` fails here until it is reviewed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from knowledge import case_pdf
from knowledge.models import FAQ, Article, CaseDescription, Report
from tests.factories import ArticleFactory, CaseDescriptionFactory, FAQFactory, ReportFactory

ROOT = Path(settings.BASE_DIR)
ATTACK = (
    '<p>Tekst</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    '<a href="javascript:alert(3)" onclick="alert(4)">klik</a><iframe src="https://example.org">'
)


def _assert_clean(html: str) -> None:
    assert "<script>alert(1)" not in html
    assert "onerror=" not in html and "onclick=" not in html
    assert "javascript:alert" not in html
    assert "<iframe" not in html
    assert "<p>Tekst</p>" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "model", "column", "route"),
    [
        (ReportFactory, Report, "body_html", "knowledge:report"),
        (ArticleFactory, Article, "body_html", "knowledge:article"),
        (CaseDescriptionFactory, CaseDescription, "body_html", "knowledge:case"),
        (FAQFactory, FAQ, "answer_html", "knowledge:faq"),
    ],
)
def test_html_that_reached_the_database_unsanitised_is_cleaned_when_shown(
    client, factory, model, column, route
):
    item = factory()
    # Not through save(): a bulk update, a fixture or a restored backup skips render_markdown.
    model.objects.filter(pk=item.pk).update(**{column: ATTACK})
    url = reverse(route) if route == "knowledge:faq" else reverse(route, args=[item.slug])
    _assert_clean(client.get(url).content.decode())


@pytest.mark.django_db
def test_the_case_pdf_html_is_cleaned_too():
    case = CaseDescriptionFactory()
    CaseDescription.objects.filter(pk=case.pk).update(body_html=ATTACK)
    case.refresh_from_db()
    _assert_clean(case_pdf.case_html(case))


# Every place that marks text as safe HTML, and why it may.
REVIEWED_SAFE = {
    # Help texts are written by developers in the code, never by users.
    ("templates/forms/field.html", "field.help_text|safe"),
    # A fixed marker string of the PDF pipeline (knowledge/case_pdf.py), no user text.
    ("knowledge/templates/knowledge/pdf/case.html", "footer_marker|safe"),
    # Search snippets: escaped first, then only <mark> added.
    ("knowledge/search.py", "mark_safe(escaped)"),
    # The SQLite fallback's highlight: every part of the text escaped; only <mark> added.
    ("knowledge/search.py", "mark_safe(html)"),
    # The rich_text filter: nh3 with the allow-list.
    ("knowledge/templatetags/rich_text.py", "mark_safe(sanitize_html(value))"),
}
SAFE_USE = re.compile(r"[\w.]+\|safe\b|mark_safe\([^)]*\)+|SafeString\(|\{% autoescape off %\}")


def test_every_place_that_marks_text_as_safe_html_is_reviewed():
    found = set()
    folders = [
        folder
        for folder in ROOT.iterdir()
        if folder.is_dir()
        and not folder.name.startswith(".")
        and folder.name not in {"tests", "var", "locale", "static", "scripts"}
    ]
    for path in (path for folder in folders for path in folder.rglob("*")):
        if path.suffix not in {".html", ".py"} or not path.is_file():
            continue
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or ".egg-info" in relative:
            continue
        for match in SAFE_USE.finditer(path.read_text(encoding="utf-8")):
            found.add((relative, match.group(0)))
    # Plain-text mail templates turn escaping off on purpose: they are never HTML.
    found = {item for item in found if not item[0].endswith(".txt")}
    assert found == REVIEWED_SAFE


def test_plain_text_mails_are_sent_as_plain_text_only():
    """The mail templates switch escaping off; that is only safe while no mail is HTML."""
    mails = [path for path in ROOT.glob("*/templates/*/mail/*") if path.is_file()]
    assert mails
    for path in mails:
        assert path.suffix == ".txt", path
    source = (ROOT / "lsa_portal/mail.py").read_text()
    assert "attach_alternative" not in source and "html_message" not in source
