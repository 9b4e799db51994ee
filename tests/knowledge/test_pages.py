"""The knowledge base's pages: entry page, FAQ, lists, feed, sitemap, demo data."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from knowledge.models import FAQ, Article, Report, SearchDocument
from tests.factories import (
    ArticleFactory,
    CaseDescriptionFactory,
    FAQCategoryFactory,
    FAQFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db


def test_entry_page_shows_newest_themes_and_popular_reports(client):
    ReportFactory(title="Veel gelezen", view_count=50, themes=["energie"])
    ReportFactory(title="Weinig gelezen", view_count=1)
    ArticleFactory(title="Het nieuwste artikel")
    html = client.get(reverse("knowledge:index")).content.decode()
    assert "Nieuw in de kennisbank" in html and "Het nieuwste artikel" in html
    popular = html.split("Meest gelezen rapporten", 1)[1]
    assert popular.index("Veel gelezen") < popular.index("Weinig gelezen")
    assert "?theme=energie" in html
    assert "Nieuwsbrief" in html


def test_entry_page_without_content_says_so(client):
    html = client.get(reverse("knowledge:index")).content.decode()
    assert "Er is nog niets gepubliceerd." in html


def test_faq_page_groups_by_category_with_anchors(client):
    first = FAQCategoryFactory(name="Over geld", slug="over-geld", position=1)
    second = FAQCategoryFactory(name="Over de gemeente", slug="over-de-gemeente", position=2)
    FAQFactory(category=second, question="Wat doet de gemeente?", slug="gemeente-vraag")
    report = ReportFactory(title="Gerelateerd rapport")
    faq = FAQFactory(category=first, question="Hoe verdien je geld?", slug="geld-vraag")
    faq.related_reports.add(report)
    html = client.get(reverse("knowledge:faq")).content.decode()
    assert html.index('id="over-geld"') < html.index('id="over-de-gemeente"')
    assert 'href="#over-geld"' in html and 'id="geld-vraag"' in html
    assert 'href="#geld-vraag"' in html
    assert "Gerelateerd rapport" in html
    assert faq.get_absolute_url() == "/kennisbank/veelgestelde-vragen/#geld-vraag"


@pytest.mark.parametrize("count", [2, 10])
def test_faq_page_query_count_is_constant(client, django_assert_num_queries, count):
    for number in range(count):
        faq = FAQFactory(category=FAQCategoryFactory(slug=f"cat-{number % 3}"))
        faq.related_reports.add(ReportFactory())
    # the questions, the reports they cite, the next scheduled publication (how long to cache)
    with django_assert_num_queries(3):
        response = client.get(reverse("knowledge:faq"))
    assert response.status_code == 200
    with django_assert_num_queries(0):  # from the cache
        response = client.get(reverse("knowledge:faq"))
    assert response.status_code == 200
    assert response.content.decode().count('<details class="kb-faq">') == count


LISTS = {
    "knowledge:reports": lambda: ReportFactory(themes=["energie", "groen"]),
    "knowledge:articles": lambda: ArticleFactory(themes=["energie"]),
    "knowledge:cases": lambda: CaseDescriptionFactory(themes=["groen"]),
}


@pytest.mark.parametrize("url_name", LISTS)
@pytest.mark.parametrize("count", [2, 13])
def test_list_pages_have_a_constant_query_count(client, django_assert_num_queries, url_name, count):
    for _ in range(count):
        LISTS[url_name]()
    # count, page, themes
    with django_assert_num_queries(3):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize("url_name", LISTS)
def test_list_pages_paginate_and_survive_odd_page_numbers(client, url_name):
    for _ in range(13):
        LISTS[url_name]()
    assert "Pagina 1 van 2" in client.get(reverse(url_name)).content.decode()
    for page in ("2", "abc", "0", "-3", "9999"):
        assert client.get(reverse(url_name), {"page": page}).status_code == 200


@pytest.mark.parametrize("url_name", LISTS)
def test_empty_lists_say_so(client, url_name):
    assert "nog geen" in client.get(reverse(url_name)).content.decode()


def test_article_and_case_pages(client):
    article = ArticleFactory(title="Tips", body="## Eerste tip\n\nBegin klein.", kind="tips")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h2>Eerste tip</h2>" in html and "Tips" in html
    case = CaseDescriptionFactory(subject_name="Bewonersbedrijf Het Plein")
    assert "Bewonersbedrijf Het Plein" in client.get(case.get_absolute_url()).content.decode()


def test_feed_lists_new_publications(client):
    ReportFactory(title="Nieuw rapport in de feed")
    ArticleFactory(title="Nieuw artikel in de feed")
    rss = client.get(reverse("knowledge:feed"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert "Nieuw rapport in de feed" in body and "Nieuw artikel in de feed" in body
    atom = client.get(reverse("knowledge:feed_atom"))
    assert atom["Content-Type"].startswith("application/atom+xml")


def test_sitemap_lists_pages_and_public_items(client):
    report = ReportFactory()
    ReportFactory(status="concept", slug="concept-rapport")
    body = client.get("/sitemap.xml").content.decode()
    assert report.get_absolute_url() in body
    assert "/kennisbank/veelgestelde-vragen/" in body
    assert "concept-rapport" not in body


def test_demo_data_is_idempotent_and_has_real_pdfs():
    call_command("seed_demo")
    counts = (
        Report.objects.count(),
        FAQ.objects.count(),
        Article.objects.count(),
        SearchDocument.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        Report.objects.count(),
        FAQ.objects.count(),
        Article.objects.count(),
        SearchDocument.objects.count(),
    )
    assert counts[0] >= 3 and counts[1] >= 5 and counts[2] >= 3
    for report in Report.objects.all():
        with report.pdf.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert Report.objects.filter(access="op-aanvraag").exists()
