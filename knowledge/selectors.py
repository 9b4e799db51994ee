"""Everything the knowledge base's pages read. Each page's query count is constant: lists use
``select_related``/``prefetch_related`` and the search's facets are one aggregate query each."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Substr
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from enterprises.models import Theme

from .models import (
    FAQ,
    Article,
    Audience,
    CaseDescription,
    FAQCategory,
    ItemKind,
    Report,
    SearchDocument,
)

PAGE_SIZE = 20
LIST_PAGE_SIZE = 12
SNIPPET_WORDS = 40
MAX_QUERY_WORDS = 8
# ts_headline marks matches with these private-use characters; the text is escaped first and
# only then are they turned into <mark>, so nothing in a document can become HTML.
MARK_START, MARK_STOP = "\ue000", "\ue001"


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    kind: str = ""
    theme: str = ""
    audience: str = ""
    year: int | None = None
    page: str | None = None

    @property
    def has_filters(self) -> bool:
        return bool(self.kind or self.theme or self.audience or self.year)

    def query_string(self, **changes) -> str:
        """The search's query string with some parameters changed (None drops one); no page."""
        values = {
            "q": self.q,
            "kind": self.kind,
            "theme": self.theme,
            "audience": self.audience,
            "year": self.year or "",
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    url: str
    title: str
    snippet: SafeString
    date: object


@dataclass
class SearchResults:
    params: SearchParams
    page: Page
    hits: list[Hit]
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)
    full_text: bool = False

    @property
    def active_filters(self) -> list[ActiveFilter]:
        """The chosen filters, each with its label and the address without it."""
        base = reverse("knowledge:search")
        active = []
        for name in ("kind", "theme", "audience", "year"):
            value = getattr(self.params, name)
            if not value:
                continue
            label = next(
                (option.label for option in self.facets.get(name, []) if option.selected),
                str(value),
            )
            query = self.params.query_string(**{name: None})
            active.append(ActiveFilter(label, f"{base}?{query}" if query else base))
        return active


def uses_full_text() -> bool:
    """PostgreSQL searches with Dutch stemming; SQLite (the embedded default) with icontains."""
    return connection.vendor == "postgresql"


def public_documents() -> QuerySet[SearchDocument]:
    return SearchDocument.objects.filter(published_at__lte=timezone.now())


def _match(documents: QuerySet[SearchDocument], q: str):
    """Restrict to documents matching ``q``; returns the queryset and the SearchQuery (or None)."""
    if not q:
        return documents, None
    if uses_full_text():
        # websearch syntax accepts anything a person types ("quotes", -not, or) without errors.
        query = SearchQuery(q, config="dutch", search_type="websearch")
        return documents.filter(search_vector=query), query
    for word in q.split()[:MAX_QUERY_WORDS]:
        documents = documents.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return documents, None


def _filter(documents: QuerySet[SearchDocument], params: SearchParams, skip: str = ""):
    """Apply every filter except ``skip`` (a facet counts what its own choices would give)."""
    if params.kind and skip != "kind":
        documents = documents.filter(kind=params.kind)
    if params.theme and skip != "theme":
        documents = documents.filter(themes__slug=params.theme)
    if params.audience and skip != "audience":
        documents = documents.filter(audiences__slug=params.audience)
    if params.year and skip != "year":
        documents = documents.filter(year=params.year)
    return documents


def _highlight_words(text: str, q: str) -> SafeString:
    """Escape ``text`` and mark the words of ``q`` (the SQLite fallback's snippets)."""
    escaped = escape(text)
    words = [re.escape(escape(word)) for word in q.split()[:MAX_QUERY_WORDS] if len(word) > 1]
    if words:
        pattern = re.compile("(" + "|".join(words) + ")", re.IGNORECASE)
        escaped = pattern.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(escaped)  # noqa: S308 - escaped above; only <mark> added


def _headline_html(headline: str) -> SafeString:
    escaped = escape(headline).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - escaped above; only <mark> added


def _facet_counts(rows, key: str) -> dict:
    return {row[key]: row["n"] for row in rows}


def search(params: SearchParams) -> SearchResults:
    """One search over every public item: ranked Dutch full-text search on PostgreSQL (title
    above summary above body, highlighted snippets), newest first without a query; filters by
    kind, theme, audience and year, each with its counts. Six queries whatever the size."""
    matched, query = _match(public_documents(), params.q)
    results = _filter(matched, params).only(
        "kind", "url", "title", "summary", "date", "published_at"
    )
    if query is not None:
        results = results.annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                Concat("summary", Value(" "), "body", output_field=TextField()),
                query,
                config="dutch",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        ).order_by("-rank", "-date", "-pk")
    else:
        # A snippet needs the summary, or the start of the body: never the whole body.
        results = results.annotate(
            snippet_source=Coalesce(
                NullIf("summary", Value("")), Substr("body", 1, 600), output_field=TextField()
            )
        ).order_by("-date", "-published_at", "-pk")

    page = Paginator(results, PAGE_SIZE).get_page(params.page)
    labels = dict(ItemKind.choices)
    hits = []
    for document in page.object_list:
        if query is not None:
            snippet = _headline_html(document.headline)
        else:
            text = document.snippet_source or ""
            snippet = _highlight_words(Truncator(text).words(SNIPPET_WORDS), params.q)
        hits.append(
            Hit(
                kind=document.kind,
                kind_label=labels.get(document.kind, document.kind),
                url=document.url,
                title=document.title,
                snippet=snippet,
                date=document.date,
            )
        )
    return SearchResults(
        params=params,
        page=page,
        hits=hits,
        facets=_facets(matched, params),
        full_text=uses_full_text(),
    )


def _facets(matched: QuerySet[SearchDocument], params: SearchParams) -> dict:
    kinds = _facet_counts(
        _filter(matched, params, skip="kind").values("kind").annotate(n=Count("id")).order_by(),
        "kind",
    )
    years = _filter(matched, params, skip="year").values("year").annotate(n=Count("id"))
    themes = Theme.objects.annotate(
        n=Count(
            "search_documents",
            filter=Q(search_documents__in=_filter(matched, params, skip="theme").values("pk")),
        )
    )
    audiences = Audience.objects.annotate(
        n=Count(
            "search_documents",
            filter=Q(search_documents__in=_filter(matched, params, skip="audience").values("pk")),
        )
    )
    return {
        "kind": [
            FacetOption(value, str(label), kinds.get(value, 0), value == params.kind)
            for value, label in ItemKind.choices
        ],
        "theme": [
            FacetOption(theme.slug, theme.label, theme.n, theme.slug == params.theme)
            for theme in themes
        ],
        "audience": [
            FacetOption(item.slug, item.label, item.n, item.slug == params.audience)
            for item in audiences
        ],
        "year": [
            FacetOption(str(row["year"]), str(row["year"]), row["n"], row["year"] == params.year)
            for row in years.order_by("-year")
        ],
    }


# --- Pages --------------------------------------------------------------------------------------


def _visible(model, staff: bool) -> QuerySet:
    """Staff preview drafts; everyone else sees what is public."""
    return model.objects.all() if staff else model.objects.public()


def report_page(slug: str, *, staff: bool = False) -> Report:
    """A report with its municipality, themes, audiences and the public FAQs that cite it."""
    return get_object_or_404(
        _visible(Report, staff)
        .select_related("commissioning_municipality")
        .prefetch_related(
            "themes",
            "audiences",
            Prefetch("faqs", queryset=FAQ.objects.public().order_by("order", "question")),
        ),
        slug=slug,
    )


def report_for_download(slug: str) -> Report:
    """A public report (downloads never serve drafts)."""
    return get_object_or_404(Report.objects.public(), slug=slug)


def article_page(slug: str, *, staff: bool = False) -> Article:
    """An article with its themes."""
    return get_object_or_404(_visible(Article, staff).prefetch_related("themes"), slug=slug)


def case_page(slug: str, *, staff: bool = False) -> CaseDescription:
    """A case description with its enterprise and themes."""
    return get_object_or_404(
        _visible(CaseDescription, staff)
        .select_related("enterprise", "enterprise__municipality")
        .prefetch_related("themes"),
        slug=slug,
    )


@dataclass(frozen=True)
class FAQGroup:
    category: FAQCategory
    questions: list[FAQ]


def faq_page(*, staff: bool = False) -> list[FAQGroup]:
    """Every visible question grouped by category in the categories' order (two queries)."""
    questions = (
        _visible(FAQ, staff)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "related_reports",
                queryset=Report.objects.public().only("slug", "title").order_by("title"),
            )
        )
        .order_by("category__position", "category__name", "category_id", "order", "question")
    )
    return [
        FAQGroup(category, list(items))
        for category, items in groupby(questions, key=lambda faq: faq.category)
    ]


def report_list(*, staff: bool = False) -> QuerySet[Report]:
    """Reports for the list page, newest first, with their themes."""
    return (
        _visible(Report, staff)
        .defer("body", "body_html", "key_lessons")
        .prefetch_related("themes")
        .order_by("-publication_date", "title")
    )


def article_list(*, staff: bool = False) -> QuerySet[Article]:
    """Articles for the list page, newest first, with their themes."""
    return (
        _visible(Article, staff)
        .defer("body", "body_html")
        .prefetch_related("themes")
        .order_by("-date", "title")
    )


def case_list(*, staff: bool = False) -> QuerySet[CaseDescription]:
    """Case descriptions for the list page, newest first, with enterprise and themes."""
    return (
        _visible(CaseDescription, staff)
        .defer("body", "body_html")
        .select_related("enterprise")
        .prefetch_related("themes")
        .order_by("-published_at", "title")
    )


def paginate(queryset: QuerySet, page: str | None, size: int = LIST_PAGE_SIZE) -> Page:
    """A page of a list; a wrong page number gives the nearest page, never an error."""
    return Paginator(queryset, size).get_page(page)


@dataclass
class IndexPage:
    newest: list[SearchDocument]
    popular: list[Report]
    themes: list[Theme]


def index_page() -> IndexPage:
    """The entry page: the newest items, the most viewed reports and the themes in use."""
    now = timezone.now()
    newest = list(
        public_documents()
        .only("kind", "url", "title", "summary", "date")
        .order_by("-date", "-published_at")[:6]
    )
    popular = list(
        Report.objects.public()
        .only("slug", "title", "subtitle", "publication_date", "view_count", "download_count")
        .order_by("-view_count", "-download_count", "-publication_date")[:3]
    )
    themes = list(
        Theme.objects.annotate(
            n=Count("search_documents", filter=Q(search_documents__published_at__lte=now))
        ).filter(n__gt=0)
    )
    return IndexPage(newest=newest, popular=popular, themes=themes)


def feed_items(limit: int = 30) -> list[SearchDocument]:
    """The newest public items for the RSS/Atom feed."""
    return list(public_documents().defer("search_vector").order_by("-published_at")[:limit])
