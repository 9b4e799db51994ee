"""The knowledge base at size: 10,000 published items, one search over all of them.

Targets (issue 5): search median ≤ 50 ms on PostgreSQL, ≤ 8 queries and ≤ 6x the bare page;
report and FAQ pages ≤ 10 queries.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.bench.common import analyze, measure, with_bare_page

REPORTS, ARTICLES, CASES, FAQS = 3000, 3500, 3440, 60
WORDS = [
    "bewoners",
    "buurt",
    "wijk",
    "dorp",
    "gemeente",
    "energie",
    "zorg",
    "groen",
    "vastgoed",
    "gebouw",
    "opdracht",
    "subsidie",
    "fonds",
    "coöperatie",
    "vrijwilligers",
    "werk",
    "bijstand",
    "onderhoud",
    "buurthuis",
    "eigenaarschap",
    "zeggenschap",
    "aanbesteden",
    "inkomsten",
    "verhuur",
    "plan",
    "ambitie",
    "begroting",
    "lening",
    "hypotheek",
    "maaltijden",
    "mobiliteit",
    "ontmoeting",
    "jongeren",
    "ouderen",
    "wijkteam",
    "welzijn",
    "samenwerking",
    "overheid",
    "bestuur",
    "leden",
]


def _text(rng: random.Random, words: int, rare: bool) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    if rare:
        chosen.insert(
            rng.randrange(len(chosen)), rng.choice(["wijkonderneming", "wijkondernemingen"])
        )
    return " ".join(chosen).capitalize() + "."


def _load(out) -> None:
    from enterprises.models import Theme
    from knowledge import services
    from knowledge.markdown import render_markdown
    from knowledge.models import (
        FAQ,
        Article,
        Audience,
        CaseDescription,
        FAQCategory,
        ItemKind,
        Report,
        SearchDocument,
        Status,
    )

    rng = random.Random(5)
    now = timezone.now()
    themes = list(Theme.objects.all())
    audiences = list(Audience.objects.all())
    published = {"status": Status.PUBLISHED}

    def moment(i: int):
        return now - timedelta(hours=i + 1)

    body = "## Inleiding\n\n" + " ".join(_text(rng, 30, False) for _ in range(8))
    body_html = render_markdown(body)
    reports = Report.objects.bulk_create(
        Report(
            title=f"Rapport {i}: " + _text(rng, 5, i % 10 == 0),
            slug=f"rapport-{i}",
            summary=_text(rng, 40, i % 7 == 0),
            authors="Bench Auteur",
            publication_date=date(2015 + i % 11, 1 + i % 12, 1),
            body=body,
            body_html=body_html,
            key_lessons="Les een\nLes twee",
            access="open" if i % 2 else "op-aanvraag",
            published_at=moment(i),
            **published,
        )
        for i in range(REPORTS)
    )
    articles = Article.objects.bulk_create(
        Article(
            title=f"Artikel {i}: " + _text(rng, 5, i % 10 == 0),
            slug=f"artikel-{i}",
            lead=_text(rng, 30, i % 7 == 0),
            body=body,
            body_html=body_html,
            date=date(2015 + i % 11, 1 + i % 12, 2),
            kind=["tips", "interview", "nieuws"][i % 3],
            published_at=moment(i),
            **published,
        )
        for i in range(ARTICLES)
    )
    cases = CaseDescription.objects.bulk_create(
        CaseDescription(
            title=f"Casus {i}: " + _text(rng, 5, i % 10 == 0),
            slug=f"casus-{i}",
            summary=_text(rng, 30, i % 7 == 0),
            body=body,
            body_html=body_html,
            published_at=moment(i),
            **published,
        )
        for i in range(CASES)
    )
    categories = FAQCategory.objects.bulk_create(
        FAQCategory(name=f"Categorie {i}", slug=f"categorie-{i}", position=i) for i in range(6)
    )
    faqs = FAQ.objects.bulk_create(
        FAQ(
            question=f"Vraag {i}: " + _text(rng, 8, i % 5 == 0) + "?",
            slug=f"vraag-{i}",
            answer=_text(rng, 60, i % 3 == 0),
            answer_html=render_markdown(_text(rng, 60, False)),
            category=categories[i % len(categories)],
            order=i,
            published_at=moment(i),
            **published,
        )
        for i in range(FAQS)
    )
    for faq in faqs[:20]:
        faq.related_reports.add(reports[0], reports[1])

    documents = []
    for kind, items in (
        (ItemKind.REPORT, reports),
        (ItemKind.ARTICLE, articles),
        (ItemKind.CASE, cases),
        (ItemKind.FAQ, faqs),
    ):
        for index, item in enumerate(items):
            values = services.document_values(item)
            item_audiences = [audiences[index % len(audiences)]] if kind == ItemKind.REPORT else []
            values.update(services.facet_values(rng.sample(themes, 2), item_audiences))
            documents.append(SearchDocument(kind=kind, object_id=item.pk, **values))
    SearchDocument.objects.bulk_create(documents, batch_size=1000)
    services.update_search_vectors(SearchDocument.objects.all())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    out(
        f"items: {SearchDocument.objects.count()} published, full text: "
        f"{connection.vendor == 'postgresql'}"
    )


def count_queries(client: Client, url: str) -> int:
    """The queries of one request, counted at the cursor (``measure``'s count reads the
    connection's query log, which the runner's test database set-up leaves unreliable here)."""
    executed = []

    def wrapper(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        client.get(url)
    return len(executed)


# What officers might type, each asked once: words in every item (the bench's bodies share their
# words), the rarer "wijkonderneming", words found nowhere, and some with a filter.
NEW_QUERIES = [
    "q=energie",
    "q=wijkonderneming",
    "q=zorg+ouderen",
    "q=maatschappelijk+vastgoed",
    "q=subsidie&kind=rapport",
    "q=wijkondernemingen+gemeente",
    "q=buurthuis&theme=groen",
    "q=aanbesteden",
    "q=%22eigen+beheer%22",
    "q=lening&year=2020",
    "q=wijkonderneming&audience=gemeente",
    "q=jongeren+werk",
    "q=sociaal+ondernemen",
    "q=coöperatie",
    "q=wijkonderneming+-subsidie",
]


def new_queries(client: Client, bare_ms: float, out) -> None:
    """The first visitor of each query: none of them is in any cache."""
    cache.clear()
    client.get("/kennisbank/zoeken/?q=opwarmen")
    timings, queries = [], 0
    for query in NEW_QUERIES:
        url = f"/kennisbank/zoeken/?{query}"
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    for query in NEW_QUERIES:
        cache.clear()
        queries = max(queries, count_queries(client, f"/kennisbank/zoeken/?{query}"))
    median = statistics.median(timings)
    out(
        f"search, {len(NEW_QUERIES)} new queries (never cached): {median:.1f} ms median "
        f"({median / bare_ms:.1f}x bare), slowest {max(timings):.1f} ms, at most {queries} queries"
    )


def run(out) -> None:
    _load(out)
    analyze()
    client = Client()

    def has_results(response):
        assert b"kb-hit" in response.content, "the search found nothing"

    searches = {
        "search 'wijkondernemingen'": "/kennisbank/zoeken/?q=wijkondernemingen",
        "search + theme filter": "/kennisbank/zoeken/?q=wijkondernemingen&theme=energie",
        "search common word": "/kennisbank/zoeken/?q=bewoners",
        "browse (no query)": "/kennisbank/zoeken/",
    }
    with with_bare_page():
        bare_ms, _ = measure(client, "/bench/bare/")
        bare_queries = count_queries(client, "/bench/bare/")
        out(f"bare page: {bare_ms:.1f} ms median, {bare_queries} queries")
        for label, url in searches.items():
            # The rendered results are cached until the knowledge base changes: measure both
            # the first visitor of a query (empty cache) and the ones after (cached).
            cold_ms, _ = measure(client, url, repeat=15, check=has_results, before=cache.clear)
            cache.clear()
            queries = count_queries(client, url)
            warm_ms, _ = measure(client, url)
            out(
                f"{label}: {cold_ms:.1f} ms median with an empty cache ({queries} queries, "
                f"{cold_ms / bare_ms:.1f}x bare); {warm_ms:.1f} ms cached "
                f"({warm_ms / bare_ms:.1f}x bare)"
            )
        new_queries(client, bare_ms, out)
        for label, url in {
            "report page": "/kennisbank/rapporten/rapport-0/",
            "FAQ page": "/kennisbank/veelgestelde-vragen/",
            "report list": "/kennisbank/rapporten/?page=40",
            "entry page": "/kennisbank/",
        }.items():
            ms, _ = measure(client, url, repeat=10)
            queries = count_queries(client, url)
            out(f"{label}: {ms:.1f} ms median, {queries} queries")
