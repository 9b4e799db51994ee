"""Everything a page reads about enterprises, with a query count that does not grow with rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lsa_portal import fragment_cache
from lsa_portal.waiting import Waiting

from . import figures, imports, measures
from .filters import DirectoryFilter
from .models import (
    Asset,
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    ImportBatch,
    ImportStatus,
    LegalForm,
    Membership,
    Municipality,
    Province,
    Theme,
    YearFigures,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from accounts.models import User

    from .figures import IncomeMix
    from .models import Invitation

PAGE_SIZE = 25


def published() -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(status=EnterpriseStatus.PUBLISHED)


def _themes_prefetch() -> Prefetch[str, QuerySet[Theme], str]:
    return Prefetch("themes", queryset=Theme.objects.order_by("position", "name"))


@dataclass
class Facet:
    """One filter's options with how many enterprises of the current result each has."""

    name: str
    options: list[tuple[str, _StrOrPromise, int]]  # value, label, count


@dataclass
class DirectoryResult:
    filterset: DirectoryFilter
    page: Page[Enterprise]
    total: int
    facets: list[Facet] = field(default_factory=list)


@dataclass(frozen=True)
class ActiveFilter:
    """A filter the visitor applied, as the directory summarises it above the results."""

    label: str  # the field's label: "Province"
    value: str  # what was chosen, as shown: "Utrecht"
    without: str  # the query string of the same result without this filter (first page)


def active_filters(result: DirectoryResult, params: QueryDict) -> list[ActiveFilter]:
    """The filters that narrow the result (sorting is no filter), in the form's order."""
    form = result.filterset.form
    if not form.is_valid():
        return []
    found = []
    for name, form_field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name == "sorteer" or value in (None, "", []):
            continue
        if isinstance(value, str) and name in {"provincie", "soort", "rechtsvorm"}:
            shown = str(dict(form_field.choices).get(value, value))
        elif isinstance(value, Decimal):
            shown = f"{value:.0f}"
        else:
            shown = str(value).strip()
        rest = params.copy()
        for key in (name, "pagina"):
            rest.pop(key, None)
        found.append(ActiveFilter(str(form_field.label), shown, rest.urlencode()))
    return found


def _facet_counts(queryset: QuerySet[Enterprise], field_name: str) -> dict[str, int]:
    rows = queryset.order_by().values(field_name).annotate(n=Count("pk"))
    return {row[field_name]: row["n"] for row in rows if row[field_name] is not None}


DIRECTORY_PARAMS = (*DirectoryFilter.base_filters, "pagina")
DIRECTORY_FRAGMENTS = "enterprises-directory"  # the fragment-cache namespace of the directory


def directory_params(query: QueryDict) -> QueryDict:
    """Only the parameters the directory knows, each at most 200 characters: what the page,
    its links and its cache key are built from."""
    params = QueryDict(mutable=True)
    for key in DIRECTORY_PARAMS:
        values = [value[:200] for value in query.getlist(key)[:5] if value]
        if values:
            params.setlist(key, values)
    return params


def directory(params: QueryDict, page_number: str | None = None) -> DirectoryResult:
    """The public directory: filtered, sorted, paginated, with counts per filter option.

    Queries: the count, the page, its themes, and one per facet, whatever the number of rows.
    """
    filterset = directory_filter(params)
    queryset = filterset.qs
    if "sorteer" not in filterset.form.cleaned_data or not filterset.form.cleaned_data.get(
        "sorteer"
    ):
        queryset = queryset.order_by("name", "pk")
    paginator = Paginator(queryset.prefetch_related(_themes_prefetch()), PAGE_SIZE)
    page = paginator.get_page(page_number)
    kinds = _facet_counts(queryset, "kind")
    provinces = _facet_counts(queryset, "municipality__province")
    legal_forms = _facet_counts(queryset, "legal_form")
    theme_rows = (
        Theme.objects.filter(enterprises__in=queryset.order_by().values("pk"))
        .annotate(n=Count("enterprises"))
        .order_by("position", "name")
    )
    facets = [
        Facet("soort", [(v, label, kinds[v]) for v, label in EnterpriseKind.choices if v in kinds]),
        Facet(
            "provincie",
            [(v, label, provinces[v]) for v, label in Province.choices if v in provinces],
        ),
        Facet("thema", [(theme.slug, theme.label, theme.n) for theme in theme_rows]),
        Facet(
            "rechtsvorm",
            [(v, label, legal_forms[v]) for v, label in LegalForm.choices if v in legal_forms],
        ),
    ]
    return DirectoryResult(filterset=filterset, page=page, total=paginator.count, facets=facets)


def municipalities_with_published() -> QuerySet[Municipality]:
    """The municipalities that have at least one published enterprise, by name."""
    return Municipality.objects.filter(
        Exists(published().filter(municipality=OuterRef("pk")))
    ).order_by("name")


def municipality_codes_by_province() -> dict[str, tuple[str, ...]]:
    """The CBS codes of each province's municipalities (for the maps): one query, then from
    the cache until a municipality (or anything else of the directory) changes."""
    key = f"enterprises:province-codes:{fragment_cache.version(DIRECTORY_FRAGMENTS)}"
    found = cache.get(key)
    if found is None:
        found = {}
        rows = Municipality.objects.order_by("province", "cbs_code")
        for province, code in rows.values_list("province", "cbs_code"):
            found.setdefault(province, []).append(code)
        found = {province: tuple(codes) for province, codes in found.items()}
        cache.set(key, found, fragment_cache.TIMEOUT_SECONDS)
    return cast("dict[str, tuple[str, ...]]", found)


def enterprise_with_details(slug: str) -> Enterprise:
    """One enterprise with everything its profile shows, in a fixed number of queries."""
    return get_object_or_404(
        Enterprise.objects.select_related("municipality").prefetch_related(
            _themes_prefetch(),
            Prefetch("assets", queryset=Asset.objects.order_by("kind", "name")),
            Prefetch("year_figures", queryset=YearFigures.objects.order_by("year")),
        ),
        slug=slug,
    )


def year_figures_of(enterprise: Enterprise, year: int) -> YearFigures | None:
    """The enterprise's figures over ``year``, if it reported them."""
    return YearFigures.objects.filter(enterprise=enterprise, year=year).first()


def describe_flags(flags: list[str]) -> list[str]:
    """What each implausibility flag of a year's figures means, in words."""
    described = []
    for code in flags:
        kind, _sep, field_name = code.partition(":")
        if kind == figures.FLAG_STREAM:
            label = YearFigures._meta.get_field(field_name).verbose_name  # type: ignore[union-attr]  # a concrete field
            described.append(
                _("%(stream)s: ten times or a tenth of the year before")
                % {"stream": str(label).capitalize()}
            )
        elif kind == figures.FLAG_FTE:
            described.append(_("paid staff changed a lot"))
        elif kind == figures.FLAG_VOLUNTEERS:
            described.append(_("the number of volunteers changed a lot"))
        elif kind == figures.FLAG_NO_EXPENSES:
            described.append(_("income without expenses"))
    return described


def enterprise_by_slug(slug: str) -> Enterprise:
    return get_object_or_404(Enterprise.objects.select_related("municipality"), slug=slug)


def my_memberships(user: User) -> QuerySet[Membership]:
    """The enterprises a user keeps, with what each still needs."""
    return (
        Membership.objects.filter(user=user)
        .select_related("enterprise__municipality")
        .prefetch_related(Prefetch("enterprise__themes"))
        .order_by("enterprise__name")
    )


def review_queue() -> QuerySet[Enterprise]:
    return (
        Enterprise.objects.filter(status=EnterpriseStatus.SUBMITTED)
        .select_related("municipality")
        .order_by("submitted_at", "pk")
    )


def waiting_for_staff() -> list[Waiting]:
    """What waits for staff here: registrations to review, and import previews to confirm or
    discard (two queries)."""
    submitted = Enterprise.objects.filter(status=EnterpriseStatus.SUBMITTED).count()
    previews = ImportBatch.objects.filter(status=ImportStatus.PREVIEW).count()
    return [
        Waiting(
            "enterprises-submitted",
            submitted,
            ngettext(
                "enterprise registration to review", "enterprise registrations to review", submitted
            ),
            reverse("enterprises:review_queue"),
        ),
        Waiting(
            "enterprises-import-previews",
            previews,
            ngettext(
                "import preview to confirm or discard",
                "import previews to confirm or discard",
                previews,
            ),
            reverse("enterprises:import") + "#recent-title",
        ),
    ]


def members_of(enterprise: Enterprise) -> QuerySet[Membership]:
    return enterprise.memberships.select_related("user").order_by("role", "user__email")


def open_invitations(enterprise: Enterprise) -> QuerySet[Invitation]:
    from django.utils import timezone

    return enterprise.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


# --- Import -----------------------------------------------------------------------------------

IMPORT_PAGE_SIZE = 100
# ?toon= on the preview: which rows it lists.
IMPORT_FILTERS = {
    "alle": None,
    "fouten": {imports.ERROR},
    "wijzigingen": {imports.NEW, imports.CHANGED},
    "overgeslagen": {imports.SKIPPED},
}


IMPORT_OUTCOMES = {
    imports.NEW: gettext_lazy("New"),
    imports.CHANGED: gettext_lazy("Changed"),
    imports.UNCHANGED: gettext_lazy("Unchanged"),
    imports.SKIPPED: gettext_lazy("Skipped"),
    imports.ERROR: gettext_lazy("Error"),
}


def recent_imports(limit: int = 10) -> list[ImportBatch]:
    """The latest imports, for the import page (their plans are not read)."""
    return list(
        ImportBatch.objects.defer("plan").select_related("uploaded_by", "applied_by")[:limit]
    )


def import_batch(pk: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("uploaded_by", "applied_by"), pk=pk)


@dataclass
class ImportPreview:
    batch: ImportBatch
    page: Page[dict[str, Any]]
    show: str
    error_rows: list[int]
    counts: dict[str, int]


def import_preview(batch: ImportBatch, show: str | None, page_number: str | None) -> ImportPreview:
    """One page of a batch's rows as the preview shows them, each with its enterprise (for a
    link, once it exists), its changes and its errors in the order of the columns. Two
    queries, whatever the number of rows."""
    show = show if show in IMPORT_FILTERS else "alle"
    wanted = IMPORT_FILTERS[show]
    rows = batch.plan.get("rows", [])
    listed = [row for row in rows if wanted is None or row["outcome"] in wanted]
    page = Paginator(listed, IMPORT_PAGE_SIZE).get_page(page_number)
    created: dict[str, int] = batch.plan.get("created", {})

    def enterprise_id(row: dict[str, Any]) -> int | None:
        target: dict[str, int | None] = row.get("target") or {}
        if "enterprise" in target:
            return target["enterprise"]
        return created.get(str(target.get("new")))

    ids = {enterprise_id(row) for row in page.object_list} - {None}
    enterprises = Enterprise.objects.only("pk", "slug", "name").in_bulk(ids)
    order = {key: position for position, key in enumerate(imports.BY_KEY)}
    page.object_list = [
        {
            "number": row["row"],
            "outcome": row["outcome"],
            "outcome_label": IMPORT_OUTCOMES.get(row["outcome"], row["outcome"]),
            "name": imports.display(row["cells"].get("naam")),
            "municipality": imports.display(row["cells"].get("gemeente")),
            "year": imports.display(row["cells"].get("jaar")),
            "changes": row.get("changes", []),
            "errors": [
                message
                for _key, message in sorted(
                    row.get("errors", {}).items(), key=lambda item: order.get(item[0], 99)
                )
            ],
            "reason": row.get("reason", ""),
            "first_row": row.get("first_row"),
            "enterprise": enterprises.get(enterprise_id(row)),
        }
        for row in page.object_list
    ]
    counts = dict.fromkeys(imports.OUTCOMES, 0) | batch.plan.get("counts", {})
    return ImportPreview(
        batch=batch,
        page=page,
        show=show,
        error_rows=imports.rows_with_errors(batch.plan),
        counts=counts,
    )


# --- Benchmark --------------------------------------------------------------------------------


def latest_figures(enterprises: QuerySet[Enterprise]) -> QuerySet[YearFigures]:
    """Each enterprise's most recent year of figures, in one query."""
    newest_year = (
        YearFigures.objects.filter(enterprise=OuterRef("enterprise"))
        .order_by("-year")
        .values("year")[:1]
    )
    return YearFigures.objects.filter(enterprise__in=enterprises.values("pk")).filter(
        year=Subquery(newest_year)
    )


MIN_GROUP = measures.MIN_GROUP


@dataclass
class Benchmark:
    """The benchmark of one year: the published enterprises (of one municipality, when
    narrowed) that reported over it, together, by kind and by theme."""

    year: int | None
    years: list[int]
    overall: measures.Stats
    by_kind: list[measures.Stats]
    by_theme: list[measures.Stats]
    municipality: Municipality | None

    @property
    def peers(self) -> dict[str, measures.Stats]:
        """The groups by kind that are shown, by kind: an enterprise's peers."""
        return {group.key: group for group in self.by_kind}


def benchmark(
    *, municipality: Municipality | None = None, year: str | None = None, today: date | None = None
) -> Benchmark:
    """The association's benchmark over one year (the one asked for, else the latest complete
    year) of the published enterprises that reported over it. Computed by the database with
    the monitor's definitions (``measures``); groups of fewer than three are left out."""
    enterprises = published()
    if municipality is not None:
        enterprises = enterprises.filter(municipality=municipality)
    counts = measures.reporting_per_year(enterprises)
    chosen = None
    if year and year.isdigit() and int(year) in counts:
        chosen = int(year)
    else:
        chosen = measures.latest_complete_year(counts, today)
    if chosen is None:
        return Benchmark(None, [], measures.Stats(), [], [], municipality)
    overall = measures.year_stats(enterprises, chosen)[""]
    by_kind = measures.figures_by(enterprises, chosen, "kind")
    by_theme = measures.figures_by(enterprises, chosen, "theme")
    return Benchmark(
        year=chosen,
        years=sorted(counts, reverse=True),
        overall=overall,
        by_kind=measures.shown_groups("kind", by_kind, dict(EnterpriseKind.choices))[0],
        by_theme=measures.shown_groups(
            "theme", by_theme, {theme.slug: theme.label for theme in Theme.objects.all()}
        )[0],
        municipality=municipality,
    )


def own_positions(
    user: User, year: int | None, peers: dict[str, measures.Stats]
) -> list[dict[str, Any]]:
    """Where each of the user's published enterprises stood over ``year`` against the median
    of the enterprises of its kind (when there are enough of them to show)."""
    if year is None or not user.is_authenticated:
        return []
    rows = YearFigures.objects.filter(
        year=year,
        enterprise__memberships__user=user,
        enterprise__status=EnterpriseStatus.PUBLISHED,
    ).select_related("enterprise")
    positions = []
    for row in rows.order_by("enterprise__name"):
        mix = figures.IncomeMix(row.income_by_stream(), row.expenses)
        positions.append(
            {
                "name": row.enterprise.name,
                "market_share": mix.market_share,
                "fte": row.paid_staff_fte,
                "volunteers": row.volunteers,
                "peers": peers.get(row.enterprise.kind),
            }
        )
    return positions


# --- Open data --------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "name",
    "url",
    "kind",
    "legal_form",
    "kvk_number",
    "founded_year",
    "municipality",
    "cbs_code",
    "province",
    "neighbourhood",
    "website",
    "themes",
    "latest_year",
    "total_income",
    "loans",
    "market_share",
    "public_share",
    "private_share",
    "paid_staff_fte",
    "volunteers",
]


def export_rows(params: QueryDict, base_url: str) -> Iterator[dict[str, Any]]:
    """The published directory as open data, filters applied, no personal data. A generator:
    rows are produced in batches so the export of thousands stays small in memory."""
    filterset = directory_filter(params)
    queryset = filterset.qs.order_by("name", "pk")
    themes = dict(Theme.objects.values_list("pk", "slug"))
    batch_size = 500
    for start in range(0, queryset.count(), batch_size):
        yield from open_data_rows(list(queryset[start : start + batch_size]), base_url, themes)


def open_data_rows(
    enterprises: list[Enterprise], base_url: str, themes: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    """The open-data columns (``EXPORT_COLUMNS``) of these published enterprises, with their
    municipality selected: what the CSV export and the open-data API show, and nothing
    personal. Two queries (three without ``themes``, the slugs by primary key)."""
    if themes is None:
        themes = dict(Theme.objects.values_list("pk", "slug"))
    ids = [enterprise.pk for enterprise in enterprises]
    links = defaultdict(list)
    for enterprise_id, theme_id in Enterprise.themes.through.objects.filter(
        enterprise_id__in=ids
    ).values_list("enterprise_id", "theme_id"):
        links[enterprise_id].append(themes[theme_id])
    latest = {
        row.enterprise_id: row for row in latest_figures(Enterprise.objects.filter(pk__in=ids))
    }
    rows = []
    for enterprise in enterprises:
        row = latest.get(enterprise.pk)
        mix = figures.IncomeMix(row.income_by_stream()) if row else None
        rows.append(
            {
                "name": enterprise.name,
                "url": f"{base_url}{enterprise.get_absolute_url()}",
                "kind": enterprise.kind,
                "legal_form": enterprise.legal_form,
                "kvk_number": enterprise.kvk_number,
                "founded_year": enterprise.founded_year,
                "municipality": enterprise.municipality.name,
                "cbs_code": enterprise.municipality.cbs_code,
                "province": enterprise.municipality.get_province_display(),
                "neighbourhood": enterprise.neighbourhood,
                "website": enterprise.website,
                "themes": sorted(links.get(enterprise.pk, [])),
                "latest_year": row.year if row else None,
                # Turnover: income without loans, which are financing (the next column).
                "total_income": mix.total if mix else None,
                "loans": mix.loans if mix else None,
                "market_share": mix.market_share if mix else None,
                "public_share": mix.public_share if mix else None,
                "private_share": mix.private_share if mix else None,
                "paid_staff_fte": row.paid_staff_fte if row else None,
                "volunteers": row.volunteers if row else None,
            }
        )
    return rows


@dataclass
class OpenDataPage:
    """One page of the published directory as open data (``open_data_rows``), with the
    enterprises themselves (for their slugs) and the paginator's page."""

    page: Page[Enterprise]
    enterprises: list[Enterprise]
    rows: list[dict[str, Any]]


def open_data_page(filterset: DirectoryFilter, page_number: int, size: int) -> OpenDataPage:
    """A page of the directory's result for the open-data API: the same filters and order as
    the directory (``directory``) on a valid ``filterset``; a 404 past the last page (the
    first page of nothing is empty). Four queries: the count, the page,
    the theme links, the latest figures (and the theme slugs)."""
    queryset = filterset.qs
    if not filterset.form.cleaned_data.get("sorteer"):
        queryset = queryset.order_by("name", "pk")
    try:
        page = Paginator(queryset, size).page(page_number)
    except EmptyPage as error:  # past the last page: nothing there, not the nearest page
        raise Http404 from error
    enterprises = list(page.object_list)
    return OpenDataPage(page, enterprises, open_data_rows(enterprises, settings.PORTAL_BASE_URL))


def directory_filter(params: QueryDict) -> DirectoryFilter:
    """The directory's filters on the published enterprises, as the directory applies them."""
    return DirectoryFilter(params, queryset=published().select_related("municipality"))


def published_enterprise(slug: str) -> Enterprise:
    """A published enterprise with its municipality, or a 404 (whatever else exists)."""
    return get_object_or_404(published().select_related("municipality"), slug=slug)


@dataclass(frozen=True)
class PublicYear:
    """One year of figures as the public profile shows it: the turnover mix (loans apart), the
    result and the people. ``people_from_benefits`` and ``residents_reached`` are shown for the
    latest year only (None for the others), as on the profile; the checks' flags never."""

    figures: YearFigures
    mix: IncomeMix  # not figures.IncomeMix: the field above hides the module in the class
    stream_percentages: dict[str, int]
    latest: bool


def public_year_figures(enterprise: Enterprise) -> list[PublicYear]:
    """The yearly figures of a published enterprise, oldest first, as its profile shows them.
    One query."""
    rows = list(YearFigures.objects.filter(enterprise=enterprise).order_by("year"))
    years = []
    for index, row in enumerate(rows):
        mix = figures.IncomeMix(row.income_by_stream(), row.expenses)
        years.append(PublicYear(row, mix, mix.stream_percentages(), index == len(rows) - 1))
    return years
