"""Everything the knowledge base's pages read. Each page's query count is constant: lists use
``select_related``/``prefetch_related`` and the search counts every facet in one query."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf, Substr
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
    facet_bit,
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


class _PlannedSearchQuery(SearchQuery):
    """A search query that PostgreSQL plans without looking at the words: always through the GIN
    index.

    Given the words, the planner estimates from the column's statistics how many items match,
    and for a word found in nearly every item it picks a sequential scan that unpacks every
    row's full vector (kept out of the row: some 45 ms at 10,000 items) over the index's bitmap
    of matches (about 2 ms). As a sub-select the query is a parameter to the planner, which then
    assumes a few matches and takes the index, the better plan whatever the words.
    """

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"(SELECT {sql})", params


def _match(documents: QuerySet[SearchDocument], q: str):
    """Restrict to documents matching ``q``; returns the queryset and the SearchQuery (or None)."""
    if not q:
        return documents, None
    if uses_full_text():
        # websearch syntax accepts anything a person types ("quotes", -not, or) without errors.
        query = _PlannedSearchQuery(q, config="dutch", search_type="websearch")
        return documents.filter(search_vector=query), query
    for word in q.split()[:MAX_QUERY_WORDS]:
        word = _strip_plural(word)
        documents = documents.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return documents, None


@dataclass(frozen=True)
class Condition:
    """A condition on the search table as SQL (bare column names) with its parameters.

    Written out rather than built from Django expressions because the counts combine a dozen
    and more of them: building and compiling those took longer than the database needs to count
    thousands of matches.
    """

    sql: str = ""
    params: tuple = ()

    def __and__(self, other: Condition) -> Condition:
        if not self.sql or not other.sql:
            return self if self.sql else other
        return Condition(f"{self.sql} AND {other.sql}", self.params + other.params)

    def __bool__(self) -> bool:
        return bool(self.sql)

    def expression(self) -> RawSQL:
        """For ``QuerySet.filter()``; only for a condition that is not empty."""
        # Column names from this module only; every value is a parameter.
        return RawSQL(self.sql, self.params, output_field=BooleanField())  # noqa: S611


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _has_facet(mask: str, keys: str, item) -> Condition:
    """Documents with this theme or audience: by its bit, or by its slug when it has no bit."""
    bit = facet_bit(item.pk)
    if bit is None:
        return Condition(f"{keys} LIKE %s ESCAPE '\\'", (f"%|{_like_escaped(item.slug)}|%",))
    return Condition(f"({mask} & %s) <> 0", (bit,))


def has_theme(theme: Theme) -> Condition:
    return _has_facet("theme_mask", "theme_keys", theme)


def has_audience(audience: Audience) -> Condition:
    return _has_facet("audience_mask", "audience_keys", audience)


def _count(documents: QuerySet[SearchDocument], conditions: dict[str, Condition], by=()):
    """One query: per name, how many of ``documents`` meet its condition (grouped ``by`` some
    columns of the search table); rows as dicts."""
    inner, inner_params = (
        documents.order_by()
        .values_list("year", "kind", "theme_mask", "audience_mask", "theme_keys", "audience_keys")
        .query.sql_with_params()
    )
    counts = [
        f"COUNT(*) FILTER (WHERE {condition.sql})" if condition else "COUNT(*)"
        for condition in conditions.values()
    ]
    # Column names from this module only; every value is a parameter.
    sql = f"SELECT {', '.join([*by, *counts])} FROM ({inner}) AS documents"  # noqa: S608
    if by:
        sql += f" GROUP BY {', '.join(by)}"
    params = [param for condition in conditions.values() for param in condition.params]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        names = [*by, *conditions]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class _Choices:
    """The search's filters resolved against the reference data, as conditions on documents."""

    params: SearchParams
    themes: list[Theme]
    audiences: list[Audience]

    @staticmethod
    def _chosen(items, slug: str, fallback_model):
        # An unknown slug still filters (on the slug, so nothing matches), as a person asked.
        found = next((item for item in items if item.slug == slug), None)
        return found or fallback_model(slug=slug)

    @property
    def theme(self) -> Condition:
        if not self.params.theme:
            return Condition()
        return has_theme(self._chosen(self.themes, self.params.theme, Theme))

    @property
    def audience(self) -> Condition:
        if not self.params.audience:
            return Condition()
        return has_audience(self._chosen(self.audiences, self.params.audience, Audience))

    def apply(self, documents: QuerySet[SearchDocument]) -> QuerySet[SearchDocument]:
        """The documents that meet every filter."""
        if self.params.kind:
            documents = documents.filter(kind=self.params.kind)
        if self.params.year:
            documents = documents.filter(year=self.params.year)
        both = self.theme & self.audience
        return documents.filter(both.expression()) if both else documents


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


def search(params: SearchParams) -> SearchResults:
    """One search over every public item: ranked Dutch full-text search on PostgreSQL (title
    above summary above body, highlighted snippets), newest first without a query; filters by
    kind, theme, audience and year, each with its counts. Four queries whatever the size: the
    themes, the audiences, every count at once, and the page."""
    choices = _Choices(params, list(Theme.objects.all()), list(Audience.objects.all()))
    matched, query = _match(public_documents(), params.q)
    counts = _Counts.of(matched, choices)
    results = choices.apply(matched)
    columns = ["kind", "url", "title", "date"]
    if query is not None:
        # Ranked on title and summary only (the small vector): matches found in the body alone
        # follow those, newest first.
        results = (
            results.annotate(rank=SearchRank(F("head_vector"), query))
            .annotate(
                # ts_headline takes time per character and runs for the shown rows only: on the
                # summary when the title or summary matched, else on the start of the body.
                headline=SearchHeadline(
                    Case(
                        When(Q(rank__gt=0) & ~Q(summary=""), then=F("summary")),
                        default=Substr("body", 1, HEADLINE_SOURCE_CHARS),
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
                )
            )
            .order_by("-rank", "-date", "-pk")
            .values(*columns, "headline")
        )
    else:
        # A snippet needs the summary, or the start of the body: never the whole body.
        results = (
            results.annotate(
                snippet_source=Coalesce(
                    NullIf("summary", Value("")), Substr("body", 1, 600), output_field=TextField()
                )
            )
            .order_by("-date", "-published_at", "-pk")
            .values(*columns, "snippet_source")
        )

    # Counted with the facets: no COUNT query of its own, and no query at all for no matches.
    paginator = Paginator(results if counts.total else [], PAGE_SIZE)
    paginator.count = counts.total
    page = paginator.get_page(params.page)
    labels = dict(ItemKind.choices)
    hits = []
    for row in page.object_list:
        if query is not None:
            snippet = _headline_html(row["headline"])
        else:
            text = row["snippet_source"] or ""
            snippet = _highlight_words(Truncator(text).words(SNIPPET_WORDS), params.q)
        hits.append(
            Hit(
                kind=row["kind"],
                kind_label=labels.get(row["kind"], row["kind"]),
                url=row["url"],
                title=row["title"],
                snippet=snippet,
                date=row["date"],
            )
        )
    return SearchResults(
        params=params,
        page=page,
        hits=hits,
        facets=counts.facets(choices),
        full_text=uses_full_text(),
    )


@dataclass
class _Counts:
    """Every count the search page shows, from one query: the total, and per kind, theme,
    audience and year what choosing it would give (each facet ignores its own filter)."""

    total: int = 0
    kinds: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    facets_chosen: Counter = field(default_factory=Counter)  # "theme_<pk>", "audience_<pk>"

    @classmethod
    def of(cls, matched: QuerySet[SearchDocument], choices: _Choices) -> _Counts:
        # One scan of the matches, grouped by year and kind (a few dozen groups): per group the
        # count under the theme and audience filters, and per theme (audience) the count under
        # the audience (theme) filter. Kind and year are then applied here, per group.
        conditions = {"n": choices.theme & choices.audience}
        for theme in choices.themes:
            conditions[f"theme_{theme.pk}"] = has_theme(theme) & choices.audience
        for audience in choices.audiences:
            conditions[f"audience_{audience.pk}"] = has_audience(audience) & choices.theme
        rows = _count(matched, conditions, by=("year", "kind"))
        counts = cls()
        params = choices.params
        facet_names = [name for name in conditions if name != "n"]
        for row in rows:
            kind_chosen = not params.kind or row["kind"] == params.kind
            year_chosen = not params.year or row["year"] == params.year
            if year_chosen:
                counts.kinds[row["kind"]] += row["n"]
            if kind_chosen:
                counts.years[row["year"]] += row["n"]
            if kind_chosen and year_chosen:
                counts.total += row["n"]
                counts.facets_chosen.update({name: row[name] for name in facet_names})
        return counts

    def facets(self, choices: _Choices) -> dict[str, list[FacetOption]]:
        params = choices.params
        return {
            "kind": [
                FacetOption(value, str(label), self.kinds[value], value == params.kind)
                for value, label in ItemKind.choices
            ],
            "theme": [
                FacetOption(
                    theme.slug,
                    theme.label,
                    self.facets_chosen[f"theme_{theme.pk}"],
                    theme.slug == params.theme,
                )
                for theme in choices.themes
            ],
            "audience": [
                FacetOption(
                    item.slug,
                    item.label,
                    self.facets_chosen[f"audience_{item.pk}"],
                    item.slug == params.audience,
                )
                for item in choices.audiences
            ],
            "year": [
                FacetOption(str(year), str(year), n, year == params.year)
                for year, n in sorted(self.years.items(), reverse=True)
                if n
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
        _count(public_documents(), {f"theme_{theme.pk}": has_theme(theme) for theme in themes})[0]
        if themes
        else {}
    )
    for theme in themes:
        theme.n = counts[f"theme_{theme.pk}"]
    return IndexPage(newest=newest, popular=popular, themes=[t for t in themes if t.n])


def feed_items(limit: int = 30) -> list[SearchDocument]:
    """The newest public items for the RSS/Atom feed."""
    return list(
        public_documents().defer("search_vector", "head_vector").order_by("-published_at")[:limit]
    )


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
