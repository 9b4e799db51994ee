"""The knowledge base's search: one search over every public item (reports, questions, articles,
case descriptions), filtered by kind, theme, audience and year, with what each choice would give.

It reads the search table (``models.SearchDocument``, one row per public item, kept up to date by
``services.index_item``) and nothing else, apart from the themes and audiences the filters offer.

Two engines, one page
---------------------
PostgreSQL (production and CI) searches with Dutch full text: stemming ("wijkondernemingen" finds
"wijkonderneming"), web search syntax ("a phrase", -not, or), ranking (title above summary above
body) and highlighted snippets from ``ts_headline``. One statement (``full_text_sql``) returns
every count and the page.

SQLite, the embedded default, is a development convenience, so that the portal runs without a
database server; judge nothing of the search's quality or speed on it. What it does: every word of
the query (at most ``MAX_QUERY_WORDS``) must stand in the title, summary or body, as a part of a
word and case-insensitively (ASCII letters only: SQLite's ``LIKE``), with a plural ending stripped
('wijkondernemingen' also finds 'wijkonderneming'); the same filters, counts, pages and caching;
snippets with the matching words marked. What it does not: stemming beyond that plural, ranking
(always newest first), search syntax (quotes and a minus are just characters), stop words, an
index (it reads every row), and its query count is one more (the page is a query of its own).

Facets: one representation
--------------------------
A theme or an audience of an item is a *facet*; themes and audiences are the two
:class:`Dimension` s, ``THEMES`` and ``AUDIENCES``. The search table keeps an item's facets of a
dimension once, in one BIGINT column, a bit mask: ``theme_mask`` holds the bit ``1 << theme.bit``
of each of the item's themes, ``audience_mask`` the same for audiences. ``bit`` is a stable number
of every theme and audience (``enterprises.models.BitNumbered``: 0 to 62, the lowest free one for
a new row; a 64th theme or audience is refused with a validation message, not left out of the
search). ``services.facet_values`` writes the masks; only :meth:`Dimension.holds` reads them.
Counts of a facet are named :meth:`Dimension.count_name` ("theme_<pk>") in the statements and in
:class:`_Counts`.

Why bits and not the slugs ("|energie|vastgoed|", tested with ``LIKE '%|energie|%'``), which the
table held besides the masks until migration 0008: a search counts every theme and audience over
all its matches in one pass, and a string test per facet and row costs far more than a bit test.
Measured on PostgreSQL with the benchmark's 10,000 items, 12 themes and 3 audiences, the one
statement of a search page took 200-300 ms with ``LIKE`` (150-190 ms with ``strpos``) against
11-50 ms with the masks. A limit of 63 per dimension is far above the dozen themes and three
audiences the portal has.

SQL
---
The statements are composed with ``psycopg.sql``: fixed SQL text, quoted identifiers, literals
only for constants of this module, and every value that comes from a request a parameter
(``%s``). :func:`_render` turns a composition into the text Django's cursor takes, on PostgreSQL
and SQLite alike (SQLite reads the quoted identifiers and the ``%s`` placeholders as well). The
pieces that never change (a facet's tests, the full-text statement around its counts and filters)
are rendered once: a search composes only what its request varies, as fast as the f-strings were.
They are not ORM expressions because the counts combine a dozen and more conditions in one pass:
building and compiling those as Django expressions took longer than the database needs to count
thousands of matches, and the ORM cannot share one set of matches between the counts and the page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, overload
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from psycopg import sql

from enterprises.models import Theme
from lsa_portal import fragment_cache

from .models import Audience, ItemKind, SearchDocument

if TYPE_CHECKING:
    from django.db.backends.utils import _SQLType
    from django.utils.functional import _StrOrPromise

# The fragment-cache namespace of the search page, bumped whenever the search table, a theme or
# an audience changes.
SEARCH_FRAGMENTS = "knowledge-search"

PAGE_SIZE = 20
MAX_PAGE = 100_000
SNIPPET_WORDS = 40
MAX_QUERY_WORDS = 8
HEADLINE_SOURCE_CHARS = 1000
# A snippet without a query: the summary, or this much of the start of the body.
PLAIN_SNIPPET_CHARS = 600
# ts_headline marks matches with these private-use characters; the text is escaped first and
# only then are they turned into <mark>, so nothing in a document can become HTML.
MARK_START, MARK_STOP = "\ue000", "\ue001"
# ts_headline's options (its own syntax: quoted values, no parameters inside); passed as a value.
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

    def query_string(self, **changes: str | int | None) -> str:
        """The search's query string with some parameters changed (None drops one); no page."""
        values: dict[str, str | int | None] = {
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
    kind_label: _StrOrPromise  # translated when shown
    url: str
    title: str
    snippet: SafeString
    date: object


@dataclass
class SearchResults:
    params: SearchParams
    page: Page[Hit]
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
    """The rows of the search table whose items are public by now."""
    return SearchDocument.objects.filter(published_at__lte=timezone.now())


# --- Conditions and facets ----------------------------------------------------------------------


def _render(statement: sql.Composable) -> str:
    """A composition as the text Django's cursor executes, for PostgreSQL and SQLite alike:
    quoted identifiers, ``%s`` placeholders, and literals only of this module's numbers and
    ASCII words, which need no connection's encoding or quoting rules."""
    return statement.as_string(None)


def _fixed(statement: sql.Composable) -> sql.SQL:
    """A composition of constants rendered once, to be composed into statements as it is."""
    return sql.SQL(_render(statement))


_AND = sql.SQL(" AND ")


@dataclass(frozen=True)
class Condition:
    """A condition on the search table's columns (unqualified) with its parameters, in order.
    The empty condition (no ``clause``) holds for every row."""

    clause: sql.Composable | None = None
    params: tuple[_SQLType, ...] = ()

    def __and__(self, other: Condition) -> Condition:
        if self.clause is None:
            return other
        if other.clause is None:
            return self
        return Condition(self.clause + _AND + other.clause, self.params + other.params)

    def __bool__(self) -> bool:
        return self.clause is not None

    def where(self) -> sql.Composable:
        """For a WHERE or FILTER clause; TRUE for the empty condition."""
        return self.clause if self.clause is not None else sql.SQL("TRUE")

    def expression(self) -> RawSQL:
        """For ``QuerySet.filter()``; only for a condition that is not empty."""
        # Composed above from fixed SQL and identifiers; every value is a parameter.
        return RawSQL(_render(self.where()), self.params, output_field=BooleanField())  # noqa: S611


def equals(column: str, value: _SQLType) -> Condition:
    return Condition(sql.SQL("{} = %s").format(sql.Identifier(column)), (value,))


# What holds for no row: a facet without a bit (an unknown slug a person asked for) is on no item.
_NOTHING = Condition(sql.SQL("FALSE"))


@dataclass(frozen=True)
class Dimension:
    """Themes or audiences as the search table keeps them (see "Facets" at the top)."""

    name: str  # the search parameter, and the prefix of a facet's count
    mask: str  # column: the bits of the item's facets

    @cached_property
    def _has_bit(self) -> sql.SQL:
        return _fixed(sql.SQL("({} & %s) <> 0").format(sql.Identifier(self.mask)))

    def holds(self, item: Theme | Audience) -> Condition:
        """The documents that have this facet: its bit is set in their mask. An item not in the
        database (an unknown slug a person asked for) has no bit, and no document has it."""
        if item.bit is None:
            return _NOTHING
        return Condition(self._has_bit, (1 << item.bit,))

    def count_name(self, item: Theme | Audience) -> str:
        return f"{self.name}_{item.pk}"


THEMES = Dimension("theme", "theme_mask")
AUDIENCES = Dimension("audience", "audience_mask")
# The columns every count reads, besides the facets'.
_COUNTED = ("year", "kind")
_FACET_COLUMNS = (THEMES.mask, AUDIENCES.mask)


_COUNT_WHERE, _COUNT_AS, _COUNT_ALL_AS, _COMMA = map(
    sql.SQL, ("COUNT(*) FILTER (WHERE ", ") AS ", "COUNT(*) AS ", ", ")
)


def _counted(conditions: dict[str, Condition]) -> sql.Composable:
    """``COUNT(*) FILTER (WHERE condition) AS name`` (``COUNT(*) AS name`` for the empty
    condition) for each of ``conditions``; put together as one flat list of pieces, as a
    search does this for every theme and audience."""
    pieces: list[sql.Composable] = []
    for name, condition in conditions.items():
        if pieces:
            pieces.append(_COMMA)
        if condition.clause is not None:
            pieces += [_COUNT_WHERE, condition.clause, _COUNT_AS, sql.Identifier(name)]
        else:
            pieces += [_COUNT_ALL_AS, sql.Identifier(name)]
    return sql.Composed(pieces)


def _parameters(conditions: dict[str, Condition]) -> list[_SQLType]:
    return [value for condition in conditions.values() for value in condition.params]


# A row of counts as the database returns it: the grouped columns (``kind``, ``year``) and the
# count of each condition, by name (the facets' names are made per search, so no TypedDict).
_Row = dict[str, Any]


def _count(
    documents: QuerySet[SearchDocument],
    conditions: dict[str, Condition],
    by: Sequence[str] = (),
) -> list[_Row]:
    """One query: per name, how many of ``documents`` meet its condition (grouped ``by`` some
    columns of the search table); rows as dicts."""
    inner, inner_params = (
        documents.order_by().values_list(*_COUNTED, *_FACET_COLUMNS).query.sql_with_params()
    )
    grouped = [sql.Identifier(column) for column in by]
    statement = sql.SQL("SELECT {columns} FROM ({inner}) AS documents").format(
        columns=sql.SQL(", ").join([*grouped, _counted(conditions)]),
        inner=sql.SQL(inner),  # the ORM's own SQL, its values in inner_params
    )
    if by:
        statement += sql.SQL(" GROUP BY {}").format(sql.SQL(", ").join(grouped))
    with connection.cursor() as cursor:
        cursor.execute(_render(statement), [*_parameters(conditions), *inner_params])
        names = [*by, *conditions]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def theme_counts(themes: list[Theme]) -> dict[int, int]:
    """How many public items have each of ``themes``, by primary key (one query; none for no
    themes)."""
    if not themes:
        return {}
    counts = _count(public_documents(), {THEMES.count_name(t): THEMES.holds(t) for t in themes})
    return {theme.pk: counts[0][THEMES.count_name(theme)] for theme in themes}


_Facet = TypeVar("_Facet", Theme, Audience)


@dataclass(frozen=True)
class _Choices:
    """The search's filters resolved against the reference data, as conditions on documents."""

    params: SearchParams
    themes: list[Theme]
    audiences: list[Audience]

    @staticmethod
    def _chosen(items: list[_Facet], slug: str, fallback_model: type[_Facet]) -> _Facet:
        # An unknown slug still filters (on the slug, so nothing matches), as a person asked.
        found = next((item for item in items if item.slug == slug), None)
        return found or fallback_model(slug=slug)

    @property
    def theme(self) -> Condition:
        if not self.params.theme:
            return Condition()
        return THEMES.holds(self._chosen(self.themes, self.params.theme, Theme))

    @property
    def audience(self) -> Condition:
        if not self.params.audience:
            return Condition()
        return AUDIENCES.holds(self._chosen(self.audiences, self.params.audience, Audience))

    def condition(self) -> Condition:
        """Every filter as one condition on the search table."""
        params, condition = self.params, Condition()
        if params.kind:
            condition &= equals("kind", params.kind)
        if params.year:
            condition &= equals("year", params.year)
        return condition & self.theme & self.audience

    def apply(self, documents: QuerySet[SearchDocument]) -> QuerySet[SearchDocument]:
        """The documents that meet every filter."""
        condition = self.condition()
        return documents.filter(condition.expression()) if condition else documents


@dataclass
class _Counts:
    """Every count the search page shows, from one query: the total, and per kind, theme,
    audience and year what choosing it would give (each facet ignores its own filter)."""

    total: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    years: Counter[int] = field(default_factory=Counter)
    facets_chosen: Counter[str] = field(default_factory=Counter)  # by ``Dimension.count_name``

    BY = _COUNTED

    @staticmethod
    def conditions(choices: _Choices) -> dict[str, Condition]:
        """Counted in one scan of the matches, grouped by year and kind (a few dozen groups): per
        group the count under the theme and audience filters, and per theme (audience) the
        count under the audience (theme) filter. Kind and year are applied per group (``of``)."""
        conditions = {"n": choices.theme & choices.audience}
        for theme in choices.themes:
            conditions[THEMES.count_name(theme)] = THEMES.holds(theme) & choices.audience
        for audience in choices.audiences:
            conditions[AUDIENCES.count_name(audience)] = AUDIENCES.holds(audience) & choices.theme
        return conditions

    @classmethod
    def of(cls, rows: Iterable[_Row], choices: _Choices) -> _Counts:
        """The counts from the rows of ``conditions`` grouped by ``BY``."""
        counts = cls()
        params = choices.params
        prefixes = (f"{THEMES.name}_", f"{AUDIENCES.name}_")
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
                    {name: n for name, n in row.items() if name.startswith(prefixes)}
                )
        return counts

    def facets(self, choices: _Choices) -> dict[str, list[FacetOption]]:
        params = choices.params

        def options(
            dimension: Dimension, items: Sequence[Theme | Audience], chosen: str
        ) -> list[FacetOption]:
            return [
                FacetOption(
                    item.slug,
                    item.label,
                    self.facets_chosen[dimension.count_name(item)],
                    item.slug == chosen,
                )
                for item in items
            ]

        return {
            "kind": [
                FacetOption(value, str(label), self.kinds[value], value == params.kind)
                for value, label in ItemKind.choices
            ],
            THEMES.name: options(THEMES, choices.themes, params.theme),
            AUDIENCES.name: options(AUDIENCES, choices.audiences, params.audience),
            "year": [
                FacetOption(str(year), str(year), n, year == params.year)
                for year, n in sorted(self.years.items(), reverse=True)
                if n
            ],
        }


# --- The search ---------------------------------------------------------------------------------


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


def _hit(kind: str, url: str, title: str, when: date, snippet: SafeString) -> Hit:
    return Hit(
        kind=kind,
        kind_label=_KIND_LABELS.get(kind, kind),
        url=url,
        title=title,
        snippet=snippet,
        date=when,
    )


def _headline_html(headline: str) -> SafeString:
    escaped = escape(headline).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - escaped above; only <mark> added


# --- SQLite: the development convenience --------------------------------------------------------


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


def _snippet(text: str | None, q: str) -> SafeString:
    return _highlight_words(Truncator(text or "").words(SNIPPET_WORDS), q)


def _fallback_page(choices: _Choices) -> tuple[_Counts, Page[Hit]]:
    """The embedded default (SQLite): every word as ``icontains``, newest first."""
    params = choices.params
    matched = _match(public_documents(), params.q)
    counts = _Counts.of(_count(matched, _Counts.conditions(choices), by=_Counts.BY), choices)
    # A snippet needs the summary, or the start of the body: never the whole body.
    rows = (
        choices.apply(matched)
        .annotate(
            snippet_source=Coalesce(
                NullIf("summary", Value("")),
                Substr("body", 1, PLAIN_SNIPPET_CHARS),
                output_field=TextField(),
            )
        )
        .order_by("-date", "-published_at", "-pk")
        .values("kind", "url", "title", "date", "snippet_source")
    )

    def hits(shown: slice) -> list[Hit]:
        # Counted with the facets: no COUNT query of its own, and no query at all for no matches.
        if not counts.total:
            return []
        return [
            _hit(
                row["kind"],
                row["url"],
                row["title"],
                row["date"],
                _snippet(row["snippet_source"], params.q),
            )
            for row in rows[shown]
        ]

    return counts, Paginator(_Hits(counts.total, hits), PAGE_SIZE).get_page(params.page)


# --- PostgreSQL: full text ----------------------------------------------------------------------


class _Hits:
    """All ``total`` hits of a search as far as a ``Paginator`` reads them: a length, and the
    hits of a page (a slice), made by ``page``. One hit alone cannot be read, nor all of them."""

    def __init__(self, total: int, page: Callable[[slice], list[Hit]]) -> None:
        self.total, self.page = total, page

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...
    def __getitem__(self, index: int | slice) -> Hit | list[Hit]:
        if isinstance(index, slice):
            return self.page(index)
        raise TypeError("only a page of hits can be read")

    def __iter__(self) -> Iterator[Hit]:
        # Asked for by the Paginator's protocol; the Paginator itself never reads every hit.
        raise TypeError("only a page of hits can be read")


def _fetched(total: int, hits: list[Hit]) -> Paginator[Hit]:
    """Pages of ``total`` hits of which the page asked for is fetched ahead: ``hits``."""
    return Paginator(_Hits(total, lambda _shown: hits), PAGE_SIZE)


def _page_number(page: str | None) -> int:
    """The page asked for: 1 for anything not a number; any number past ``MAX_PAGE`` (past the
    last page whatever the size) as ``MAX_PAGE``, so that its offset stays a number the
    database takes."""
    try:
        return min(max(1, int(page or 1)), MAX_PAGE)
    except ValueError:
        return 1


def _full_text_page(choices: _Choices) -> tuple[_Counts, Page[Hit]]:
    """PostgreSQL: the counts and the page's hits from one statement (``full_text_sql``).

    A page past the last (an old link after items went) is asked again as the last page."""
    number = _page_number(choices.params.page)
    counts, hits = _run_full_text(choices, number)
    paginator = _fetched(counts.total, hits)
    if number > paginator.num_pages:
        number = paginator.num_pages
        counts, hits = _run_full_text(choices, number)
        paginator = _fetched(counts.total, hits)
    return counts, paginator.page(number)


def _run_full_text(choices: _Choices, number: int) -> tuple[_Counts, list[Hit]]:
    statement, values = full_text_sql(choices, offset=(number - 1) * PAGE_SIZE)
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
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


# The columns of a hit, as the page's JSON carries them (the snippet besides).
_HIT_COLUMNS = ("kind", "url", "title", "date")

# The statement of ``full_text_sql``; {placeholders} are compositions, %s are values.
_FULL_TEXT = sql.SQL(
    """{start}
matched AS {materialized} (SELECT id, year, kind, date, published_at, {facet_columns},
  {rank} AS rank FROM {table}
  WHERE published_at <= %s {match}),
counts AS (SELECT {by}, {counts} FROM matched GROUP BY {by}),
shown AS (SELECT id, rank, date, published_at FROM matched
  WHERE {shown}
  ORDER BY {order} LIMIT %s OFFSET %s)
SELECT (SELECT json_agg(counts) FROM counts),
  (SELECT json_agg(json_build_object({hit}, 'snippet', {snippet}) ORDER BY {shown_order})
  FROM shown JOIN {table} AS d ON d.id = shown.id)"""
)


def _full_text_template(words: bool) -> sql.SQL:
    """``_FULL_TEXT`` for a search with words or without, its constant parts rendered once;
    ``{counts}`` and ``{shown}`` (the facets and filters of the request) are left to compose."""
    rank: sql.Composable
    match: sql.Composable
    if words:
        words_sql = sql.SQL("(SELECT q FROM query)")
        start = sql.SQL("WITH query AS (SELECT websearch_to_tsquery('dutch', %s) AS q),")
        rank = sql.SQL("ts_rank(head_vector, {})").format(words_sql)
        match = sql.SQL("AND search_vector @@ {}").format(words_sql)
        order = ("rank", "date", "id")
        # ts_headline takes time per character and runs for the shown rows only: on the
        # summary when the title or summary matched, else on the start of the body.
        snippet = sql.SQL(
            "ts_headline('dutch', CASE WHEN shown.rank > 0 AND d.summary <> '' THEN d.summary "
            "ELSE substr(d.body, 1, {}) END, {}, %s)"
        ).format(sql.Literal(HEADLINE_SOURCE_CHARS), words_sql)
        # The matches are found and ranked once, for the counts and the page alike.
        materialized = sql.SQL("MATERIALIZED")
    else:
        start, rank, match = sql.SQL("WITH"), sql.SQL("0::real"), sql.SQL("")
        order = ("date", "published_at", "id")
        # A snippet needs the summary, or the start of the body: never the whole body.
        snippet = sql.SQL("COALESCE(NULLIF(d.summary, ''), substr(d.body, 1, {}))").format(
            sql.Literal(PLAIN_SNIPPET_CHARS)
        )
        # Everything public: counted in one pass over the table, while the page reads the
        # newest rows from the date index and stops after the page.
        materialized = sql.SQL("NOT MATERIALIZED")
    return _fixed(
        _FULL_TEXT.format(
            start=start,
            materialized=materialized,
            facet_columns=sql.SQL(", ").join(map(sql.Identifier, _FACET_COLUMNS)),
            rank=rank,
            table=sql.Identifier(SearchDocument._meta.db_table),
            match=match,
            by=sql.SQL(", ").join(map(sql.Identifier, _COUNTED)),
            counts=sql.SQL("{counts}"),  # rendered as the placeholder itself
            shown=sql.SQL("{shown}"),
            order=sql.SQL(", ").join(sql.SQL("{} DESC").format(sql.Identifier(c)) for c in order),
            hit=sql.SQL(", ").join(
                sql.SQL("{}, {}").format(sql.Literal(column), sql.Identifier("d", column))
                for column in _HIT_COLUMNS
            ),
            snippet=snippet,
            shown_order=sql.SQL(", ").join(
                sql.SQL("{} DESC").format(sql.Identifier("shown", column)) for column in order
            ),
        )
    )


_WITH_WORDS, _WITHOUT_WORDS = _full_text_template(words=True), _full_text_template(words=False)


def full_text_sql(choices: _Choices, offset: int = 0) -> tuple[str, list[_SQLType]]:
    """The statement behind a full-text search page, with its parameters. It returns one row:
    the counts (per year and kind, as JSON) and the page's hits (as JSON, in order).

    The matches of a search are read once (``matched``): counted per facet, ranked on title
    and summary only (the small vector; matches in the body alone follow those, newest first),
    and the page's rows get their highlighted snippets.

    The search words reach the planner as a sub-select (a parameter it does not look into):
    given the words, the planner estimates from the column's statistics how many items match
    and for a word found in nearly every item picks a sequential scan that unpacks every row's
    full vector (kept out of the row: some 45 ms at 10,000 items) over the GIN index's bitmap of
    matches (about 2 ms). Not knowing the words, it takes the index, the better plan whatever
    they are. ``websearch_to_tsquery`` reads whatever a person types ("quotes", -not, or, and
    tsquery's own operators as plain characters) without an error.
    """
    q = choices.params.q
    conditions = _Counts.conditions(choices)
    shown = choices.condition()
    template = _WITH_WORDS if q else _WITHOUT_WORDS
    statement = template.format(counts=_counted(conditions), shown=shown.where())
    values = [
        *([q] if q else []),
        timezone.now(),
        *_parameters(conditions),
        *shown.params,
        PAGE_SIZE,
        offset,
        *([HEADLINE_OPTIONS] if q else []),
    ]
    return _render(statement), values
