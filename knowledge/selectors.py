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
    Status,
)

# The fragment-cache namespace of pages built on the knowledge base's items (e.g. a
# municipality's page): bumped whenever an item, its category or its audiences change.
CONTENT_FRAGMENTS = "knowledge-content"
PUBLISHED_MODELS = (Report, FAQ, Article, CaseDescription)

PAGE_SIZE = 20
LIST_PAGE_SIZE = 12
SNIPPET_WORDS = 40
MAX_QUERY_WORDS = 8
HEADLINE_SOURCE_CHARS = 1000
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


def _strip_plural(word: str) -> str:
    """A poor man's Dutch stemming for the fallback: 'wijkondernemingen' also finds
    'wijkonderneming' (the plural contains the singular, the other way round it does not)."""
    lowered = word.lower()
    if len(lowered) > 6 and lowered.endswith("en"):
        return word[:-2]
    if len(lowered) > 5 and lowered.endswith(("ers", "els", "ems", "jes")):
        return word[:-1]
    return word


def _match(documents: QuerySet[SearchDocument], q: str):
    """Restrict to documents matching ``q``; returns the queryset and the SearchQuery (or None)."""
    if not q:
        return documents, None
    if uses_full_text():
        # websearch syntax accepts anything a person types ("quotes", -not, or) without errors.
        query = SearchQuery(q, config="dutch", search_type="websearch")
        return documents.filter(search_vector=query), query
    for word in q.split()[:MAX_QUERY_WORDS]:
        word = _strip_plural(word)
        documents = documents.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return documents, None


def _filter(documents: QuerySet[SearchDocument], params: SearchParams, skip: str = ""):
    """Apply every filter except ``skip`` (a facet counts what its own choices would give)."""
    if params.kind and skip != "kind":
        documents = documents.filter(kind=params.kind)
    if params.theme and skip != "theme":
        documents = documents.filter(theme_keys__contains=f"|{params.theme}|")
    if params.audience and skip != "audience":
        documents = documents.filter(audience_keys__contains=f"|{params.audience}|")
    if params.year and skip != "year":
        documents = documents.filter(year=params.year)
    return documents


def _conditions(params: SearchParams, skip: str = "") -> Q:
    """The filters as one condition, leaving out ``skip`` (for conditional counts)."""
    condition = Q()
    if params.kind and skip != "kind":
        condition &= Q(kind=params.kind)
    if params.theme and skip != "theme":
        condition &= Q(theme_keys__contains=f"|{params.theme}|")
    if params.audience and skip != "audience":
        condition &= Q(audience_keys__contains=f"|{params.audience}|")
    if params.year and skip != "year":
        condition &= Q(year=params.year)
    return condition


def _highlight_words(text: str, q: str) -> SafeString:
    """Escape ``text`` and mark the words of ``q`` (the SQLite fallback's snippets)."""
    escaped = escape(text)
    words = [
        re.escape(escape(_strip_plural(word)))
        for word in q.split()[:MAX_QUERY_WORDS]
        if len(word) > 1
    ]
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
            # ts_headline costs time per character: the summary and the start of the body.
            headline=SearchHeadline(
                Concat(
                    "summary",
                    Value(" "),
                    Substr("body", 1, HEADLINE_SOURCE_CHARS),
                    output_field=TextField(),
                ),
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

    themes, audiences = list(Theme.objects.all()), list(Audience.objects.all())
    counts = _counts(matched, params, themes, audiences)
    paginator = Paginator(results, PAGE_SIZE)
    paginator.count = counts["total"]  # counted with the facets: no COUNT query of its own
    page = paginator.get_page(params.page)
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
        facets=_facets(matched, params, counts, themes, audiences),
        full_text=uses_full_text(),
    )


def _counts(matched, params: SearchParams, themes, audiences) -> dict[str, int]:
    """Every count the page shows, in one scan of the matching rows: the total, and per kind,
    theme and audience what choosing it would give (each facet ignores its own filter)."""
    aggregates = {"total": Count("pk", filter=_conditions(params) or None)}
    for value, _label in ItemKind.choices:
        aggregates[f"kind_{value}"] = Count(
            "pk", filter=Q(kind=value) & _conditions(params, skip="kind")
        )
    for theme in themes:
        aggregates[f"theme_{theme.pk}"] = Count(
            "pk",
            filter=Q(theme_keys__contains=f"|{theme.slug}|") & _conditions(params, skip="theme"),
        )
    for audience in audiences:
        aggregates[f"audience_{audience.pk}"] = Count(
            "pk",
            filter=Q(audience_keys__contains=f"|{audience.slug}|")
            & _conditions(params, skip="audience"),
        )
    return matched.aggregate(**aggregates)


def _facets(matched, params: SearchParams, counts, themes, audiences) -> dict:
    years = (
        _filter(matched, params, skip="year")
        .values("year")
        .annotate(n=Count("id"))
        .order_by("-year")
    )
    return {
        "kind": [
            FacetOption(value, str(label), counts[f"kind_{value}"], value == params.kind)
            for value, label in ItemKind.choices
        ],
        "theme": [
            FacetOption(
                theme.slug, theme.label, counts[f"theme_{theme.pk}"], theme.slug == params.theme
            )
            for theme in themes
        ],
        "audience": [
            FacetOption(
                item.slug, item.label, counts[f"audience_{item.pk}"], item.slug == params.audience
            )
            for item in audiences
        ],
        "year": [
            FacetOption(str(row["year"]), str(row["year"]), row["n"], row["year"] == params.year)
            for row in years
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
    themes = list(Theme.objects.all())
    counts = (
        public_documents().aggregate(
            **{
                f"theme_{theme.pk}": Count("pk", filter=Q(theme_keys__contains=f"|{theme.slug}|"))
                for theme in themes
            }
        )
        if themes
        else {}
    )
    for theme in themes:
        theme.n = counts[f"theme_{theme.pk}"]
    return IndexPage(newest=newest, popular=popular, themes=[t for t in themes if t.n])


def feed_items(limit: int = 30) -> list[SearchDocument]:
    """The newest public items for the RSS/Atom feed."""
    return list(public_documents().defer("search_vector").order_by("-published_at")[:limit])


def next_publication(now=None):
    """The next moment a published item with a publication moment still to come becomes
    public (None if there is none): a page cached before then must be made anew at it. One
    query."""
    now = now or timezone.now()
    upcoming = [
        model.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .order_by()
        .values_list("published_at", flat=True)
        for model in PUBLISHED_MODELS
    ]
    return upcoming[0].union(*upcoming[1:]).order_by("published_at").first()
