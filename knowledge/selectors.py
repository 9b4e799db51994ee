"""Everything the knowledge base's pages read. Each page's query count is constant: lists use
``select_related``/``prefetch_related`` and the search counts every facet in one query."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf, Substr
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises.models import Theme
from lsa_portal import fragment_cache
from lsa_portal.waiting import LINK_LIMIT, Link, Waiting

from . import case_pdf
from .models import (
    FAQ,
    AdviceRequest,
    Article,
    Audience,
    CaseDescription,
    FAQCategory,
    ItemKind,
    Report,
    ReportRequest,
    SearchDocument,
    Status,
    facet_bit,
)

# The fragment-cache namespace of pages built on the knowledge base's items (e.g. a
# municipality's page): bumped whenever an item, its category or its audiences change.
CONTENT_FRAGMENTS = "knowledge-content"
# The fragment-cache namespace of the search page, bumped whenever the search table, a theme or
# an audience changes.
SEARCH_FRAGMENTS = "knowledge-search"
PUBLISHED_MODELS = (Report, FAQ, Article, CaseDescription)

PAGE_SIZE = 20
MAX_PAGE = 100_000
LIST_PAGE_SIZE = 12
SNIPPET_WORDS = 40
MAX_QUERY_WORDS = 8
HEADLINE_SOURCE_CHARS = 1000
# ts_headline marks matches with these private-use characters; the text is escaped first and
# only then are they turned into <mark>, so nothing in a document can become HTML.
MARK_START, MARK_STOP = "\ue000", "\ue001"
# ts_headline's options (its own syntax: quoted values, no parameters inside).
HEADLINE_OPTIONS = (
    f"StartSel='{MARK_START}', StopSel='{MARK_STOP}', MaxWords={SNIPPET_WORDS}, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)


_KIND_LABELS = dict(ItemKind.choices)


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


def _match(documents: QuerySet[SearchDocument], q: str) -> QuerySet[SearchDocument]:
    """The fallback's match: every word (its singular too) in the title, summary or body."""
    for word in q.split()[:MAX_QUERY_WORDS]:
        word = _strip_plural(word)
        documents = documents.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return documents


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

    def condition(self) -> Condition:
        """Every filter as one condition on the search table."""
        params, condition = self.params, Condition()
        if params.kind:
            condition &= Condition("kind = %s", (params.kind,))
        if params.year:
            condition &= Condition("year = %s", (params.year,))
        return condition & self.theme & self.audience

    def apply(self, documents: QuerySet[SearchDocument]) -> QuerySet[SearchDocument]:
        """The documents that meet every filter."""
        condition = self.condition()
        return documents.filter(condition.expression()) if condition else documents


def _highlight_words(text: str, q: str) -> SafeString:
    """Escape ``text`` and mark the words that contain a word of ``q`` (the SQLite fallback's
    snippets). Whole words, as PostgreSQL's headline marks them: 'wijkondernemingen' for the
    query 'wijkonderneming', never a part of it set apart from its ending. The text is split
    before it is escaped, so a query never matches inside an entity such as ``&amp;``."""
    words = [
        re.escape(_strip_plural(word)) for word in q.split()[:MAX_QUERY_WORDS] if len(word) > 1
    ]
    if not words:
        return escape(text)
    pattern = re.compile(r"(\w*(?:" + "|".join(words) + r")\w*)", re.IGNORECASE)
    parts = pattern.split(text)  # the marked words at the odd places
    html = "".join(
        f"<mark>{escape(part)}</mark>" if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )
    return mark_safe(html)  # noqa: S308 - every part escaped; only <mark> added


def _headline_html(headline: str) -> SafeString:
    escaped = escape(headline).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - escaped above; only <mark> added


def search(params: SearchParams) -> SearchResults:
    """One search over every public item: ranked Dutch full-text search on PostgreSQL (title
    above summary above body, highlighted snippets), newest first without a query; filters by
    kind, theme, audience and year, each with its counts. On PostgreSQL one query whatever
    the size: one statement for every count and the page (the themes and audiences the
    filters offer come from the cache, or from two more queries)."""
    themes, audiences = fragment_cache.cached(SEARCH_FRAGMENTS, "facet-items", _facet_items)
    choices = _Choices(params, themes, audiences)
    if uses_full_text():
        counts, page = _full_text_page(choices)
    else:
        counts, page = _fallback_page(choices)
    return SearchResults(
        params=params,
        page=page,
        hits=list(page.object_list),
        facets=counts.facets(choices),
        full_text=uses_full_text(),
    )


def _facet_items() -> tuple[list[Theme], list[Audience]]:
    """The themes and audiences the filters offer (cached with the search pages)."""
    return list(Theme.objects.all()), list(Audience.objects.all())


def _snippet(text: str | None, q: str) -> SafeString:
    return _highlight_words(Truncator(text or "").words(SNIPPET_WORDS), q)


def _fallback_page(choices: _Choices) -> tuple[_Counts, Page]:
    """The embedded default (SQLite): every word as ``icontains``, newest first."""
    params = choices.params
    matched = _match(public_documents(), params.q)
    counts = _Counts.of(_count(matched, _Counts.conditions(choices), by=_Counts.BY), choices)
    # A snippet needs the summary, or the start of the body: never the whole body.
    rows = (
        choices.apply(matched)
        .annotate(
            snippet_source=Coalesce(
                NullIf("summary", Value("")), Substr("body", 1, 600), output_field=TextField()
            )
        )
        .order_by("-date", "-published_at", "-pk")
        .values("kind", "url", "title", "date", "snippet_source")
    )
    # Counted with the facets: no COUNT query of its own, and no query at all for no matches.
    paginator = Paginator(rows if counts.total else [], PAGE_SIZE)
    paginator.count = counts.total
    page = paginator.get_page(params.page)
    page.object_list = [
        _hit(
            row["kind"],
            row["url"],
            row["title"],
            row["date"],
            _snippet(row["snippet_source"], params.q),
        )
        for row in page.object_list
    ]
    return counts, page


def _hit(kind: str, url: str, title: str, when, snippet: SafeString) -> Hit:
    return Hit(
        kind=kind,
        kind_label=_KIND_LABELS.get(kind, kind),
        url=url,
        title=title,
        snippet=snippet,
        date=when,
    )


class _Fetched:
    """One page of hits fetched ahead, standing in for all ``total`` of them: what a
    ``Paginator`` needs (a length, and a slice) to number the pages and hand out the fetched
    page."""

    def __init__(self, count: int, hits: list[Hit]) -> None:
        self.total, self.hits = count, hits

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.hits
        raise TypeError("only the fetched page can be read")


def _page_number(page: str | None) -> int:
    """The page asked for: 1 for anything not a number; any number past ``MAX_PAGE`` (past the
    last page whatever the size) as ``MAX_PAGE``, so that its offset stays a number the
    database takes."""
    try:
        return min(max(1, int(page or 1)), MAX_PAGE)
    except ValueError:
        return 1


def _full_text_page(choices: _Choices) -> tuple[_Counts, Page]:
    """PostgreSQL: the counts and the page's hits from one statement (``full_text_sql``).

    A page past the last (an old link after items went) is asked again as the last page."""
    number = _page_number(choices.params.page)
    counts, hits = _run_full_text(choices, number)
    paginator = Paginator(_Fetched(counts.total, hits), PAGE_SIZE)
    if number > paginator.num_pages:
        number = paginator.num_pages
        counts, hits = _run_full_text(choices, number)
        paginator = Paginator(_Fetched(counts.total, hits), PAGE_SIZE)
    return counts, paginator.page(number)


def _run_full_text(choices: _Choices, number: int) -> tuple[_Counts, list[Hit]]:
    sql, sql_params = full_text_sql(choices, offset=(number - 1) * PAGE_SIZE)
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        count_rows, hit_rows = cursor.fetchone()
    counts = _Counts.of(count_rows or [], choices)
    q = choices.params.q
    hits = [
        _hit(
            row["kind"],
            row["url"],
            row["title"],
            date.fromisoformat(row["date"]),
            _headline_html(row["snippet"]) if q else _snippet(row["snippet"], q),
        )
        for row in hit_rows or []
    ]
    return counts, hits


def full_text_sql(choices: _Choices, offset: int = 0) -> tuple[str, list]:
    """The statement behind a full-text search page, with its parameters. It returns one row:
    the counts (per year and kind, as JSON) and the page's hits (as JSON, in order).

    The matches of a search are read once (``matched``): counted per facet, ranked on title
    and summary only (the small vector; matches in the body alone follow those, newest first),
    and the page's rows get their highlighted snippets. Written as SQL because the ORM cannot
    share one set of matches between the counts and the page, and because building and
    compiling the expressions took longer than the database needs for the whole statement.

    The search words reach the planner as a sub-select (a parameter it does not look into):
    given the words, the planner estimates from the column's statistics how many items match
    and for a word found in nearly every item picks a sequential scan that unpacks every row's
    full vector (kept out of the row: some 45 ms at 10,000 items) over the GIN index's bitmap of
    matches (about 2 ms). Not knowing the words, it takes the index, the better plan whatever
    they are.
    """
    params, table = choices.params, SearchDocument._meta.db_table
    if params.q:
        # websearch syntax accepts anything a person types ("quotes", -not, or) without errors.
        words = "(SELECT q FROM query)"
        start, start_args = (
            "WITH query AS (SELECT websearch_to_tsquery('dutch', %s) AS q),",
            [params.q],
        )
        rank, match = f"ts_rank(head_vector, {words})", f"AND search_vector @@ {words}"
        order = ("rank DESC", "date DESC", "id DESC")
        # ts_headline takes time per character and runs for the shown rows only: on the
        # summary when the title or summary matched, else on the start of the body.
        snippet = (
            "ts_headline('dutch', CASE WHEN shown.rank > 0 AND d.summary <> '' THEN d.summary "
            f"ELSE substr(d.body, 1, {HEADLINE_SOURCE_CHARS}) END, {words}, %s)"
        )
        snippet_args = [HEADLINE_OPTIONS]
        # The matches are found and ranked once, for the counts and the page alike.
        materialized = "MATERIALIZED "
    else:
        start, start_args, rank, match = "WITH", [], "0::real", ""
        order = ("date DESC", "published_at DESC", "id DESC")
        # A snippet needs the summary, or the start of the body: never the whole body.
        snippet, snippet_args = "COALESCE(NULLIF(d.summary, ''), substr(d.body, 1, 600))", []
        # Everything public: counted in one pass over the table, while the page reads the
        # newest rows from the date index and stops after the page.
        materialized = "NOT MATERIALIZED "
    conditions = _Counts.conditions(choices)
    counts = ", ".join(
        f"COUNT(*) FILTER (WHERE {condition.sql}) AS {name}" if condition else f"COUNT(*) AS {name}"
        for name, condition in conditions.items()
    )
    by = ", ".join(_Counts.BY)
    shown = choices.condition()
    hit = (
        ", ".join(f"'{column}', d.{column}" for column in ("kind", "url", "title", "date"))
        + f", 'snippet', {snippet}"
    )
    # Column names and SQL from this module only; every value is a parameter.
    sql = "\n".join(
        [
            start,
            f"matched AS {materialized}(SELECT id, year, kind, date, published_at, theme_mask,",
            f"  audience_mask, theme_keys, audience_keys, {rank} AS rank FROM {table}",
            f"  WHERE published_at <= %s {match}),",
            f"counts AS (SELECT {by}, {counts} FROM matched GROUP BY {by}),",  # noqa: S608
            "shown AS (SELECT id, rank, date, published_at FROM matched",
            f"  WHERE {shown.sql or 'TRUE'}",  # noqa: S608
            f"  ORDER BY {', '.join(order)} LIMIT %s OFFSET %s)",
            "SELECT (SELECT json_agg(counts) FROM counts),",
            f"  (SELECT json_agg(json_build_object({hit})",
            f"    ORDER BY {', '.join(f'shown.{part}' for part in order)})",
            f"  FROM shown JOIN {table} AS d ON d.id = shown.id)",
        ]
    )
    args = [
        *start_args,
        timezone.now(),
        *(value for condition in conditions.values() for value in condition.params),
        *shown.params,
        PAGE_SIZE,
        offset,
        *snippet_args,
    ]
    return sql, args


@dataclass
class _Counts:
    """Every count the search page shows, from one query: the total, and per kind, theme,
    audience and year what choosing it would give (each facet ignores its own filter)."""

    total: int = 0
    kinds: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    facets_chosen: Counter = field(default_factory=Counter)  # "theme_<pk>", "audience_<pk>"

    BY = ("year", "kind")

    @staticmethod
    def conditions(choices: _Choices) -> dict[str, Condition]:
        """Counted in one scan of the matches, grouped by year and kind (a few dozen groups): per
        group the count under the theme and audience filters, and per theme (audience) the
        count under the audience (theme) filter. Kind and year are applied per group (``of``)."""
        conditions = {"n": choices.theme & choices.audience}
        for theme in choices.themes:
            conditions[f"theme_{theme.pk}"] = has_theme(theme) & choices.audience
        for audience in choices.audiences:
            conditions[f"audience_{audience.pk}"] = has_audience(audience) & choices.theme
        return conditions

    @classmethod
    def of(cls, rows: list[dict], choices: _Choices) -> _Counts:
        """The counts from the rows of ``conditions`` grouped by ``BY``."""
        counts = cls()
        params = choices.params
        for row in rows:
            kind_chosen = not params.kind or row["kind"] == params.kind
            year_chosen = not params.year or row["year"] == params.year
            if year_chosen:
                counts.kinds[row["kind"]] += row["n"]
            if kind_chosen:
                counts.years[row["year"]] += row["n"]
            if kind_chosen and year_chosen:
                counts.total += row["n"]
                counts.facets_chosen.update(
                    {name: n for name, n in row.items() if name.startswith(("theme_", "audience_"))}
                )
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
    questions = faq_questions(staff=staff).prefetch_related(
        Prefetch(
            "related_reports",
            queryset=Report.objects.public().only("slug", "title").order_by("title"),
        )
    )
    return [
        FAQGroup(category, list(items))
        for category, items in groupby(questions, key=lambda faq: faq.category)
    ]


def faq_questions(*, staff: bool = False) -> QuerySet[FAQ]:
    """The visible questions with their category, in the order of the FAQ page."""
    return (
        _visible(FAQ, staff)
        .select_related("category")
        .order_by("category__position", "category__name", "category_id", "order", "question", "pk")
    )


def report_list(*, staff: bool = False) -> QuerySet[Report]:
    """Reports for the list page, newest first, with their themes."""
    return (
        _visible(Report, staff)
        .defer("body", "body_html", "key_lessons")
        .prefetch_related("themes")
        .order_by("-publication_date", "title", "pk")
    )


def article_list(*, staff: bool = False) -> QuerySet[Article]:
    """Articles for the list page, newest first, with their themes."""
    return (
        _visible(Article, staff)
        .defer("body", "body_html")
        .prefetch_related("themes")
        .order_by("-date", "title", "pk")
    )


def case_list(*, staff: bool = False) -> QuerySet[CaseDescription]:
    """Case descriptions for the list page, newest first, with enterprise and themes."""
    return (
        _visible(CaseDescription, staff)
        .defer("body", "body_html")
        .select_related("enterprise")
        .prefetch_related("themes")
        .order_by("-published_at", "title", "pk")
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


def until_next_publication() -> float:
    """How many seconds a cached page that shows published items may be kept at most: until
    the next scheduled publication becomes public (no signal says when that happens)."""
    moment = next_publication()
    if moment is None:
        return fragment_cache.TIMEOUT_SECONDS
    return (moment - timezone.now()).total_seconds()


# --- For staff ----------------------------------------------------------------------------------


def waiting_for_staff(now=None) -> list[Waiting]:
    """Advice requests not yet handled, the case descriptions whose newest PDF could not be
    made, and, worth knowing but asking nothing (their links were mailed at once), the report
    requests of the past 7 days. Three queries."""
    advice = AdviceRequest.objects.filter(handled=False).count()
    # The admin's own "past 7 days" (its date filter's bounds), so its list shows these.
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    since, until = today - timedelta(days=7), today + timedelta(days=1)
    requests = ReportRequest.objects.filter(created_at__gte=since, created_at__lt=until).count()
    failed, jobs = case_pdf.RUNNER.failed(LINK_LIMIT)
    return [
        Waiting(
            "knowledge-advice",
            advice,
            ngettext("advice request not yet handled", "advice requests not yet handled", advice),
            reverse("admin:knowledge_advicerequest_changelist") + "?handled__exact=0",
        ),
        Waiting(
            "knowledge-case-pdfs",
            failed,
            ngettext(
                "case description PDF that could not be made",
                "case description PDFs that could not be made",
                failed,
            ),
            links=tuple(
                Link(job.case.title, job.case.get_absolute_url() + "#pdf-title", job.error)
                for job in jobs
            ),
        ),
        Waiting(
            "knowledge-report-requests",
            requests,
            ngettext(
                "report request in the past 7 days", "report requests in the past 7 days", requests
            ),
            reverse("admin:knowledge_reportrequest_changelist")
            + "?"
            + urlencode({"created_at__gte": str(since), "created_at__lt": str(until)}),
            task=False,
            note=_("For information: whoever asks for a report gets its link by mail at once."),
        ),
    ]
