"""Everything a page reads about enterprises, with a query count that does not grow with rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from . import figures
from .filters import DirectoryFilter
from .models import (
    INCOME_FIELDS,
    Asset,
    AssetKind,
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    LegalForm,
    Membership,
    Municipality,
    Province,
    Tenure,
    Theme,
    YearFigures,
)

PAGE_SIZE = 25


def published() -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(status=EnterpriseStatus.PUBLISHED)


def _themes_prefetch() -> Prefetch:
    return Prefetch("themes", queryset=Theme.objects.order_by("position", "name"))


@dataclass
class Facet:
    """One filter's options with how many enterprises of the current result each has."""

    name: str
    options: list[tuple[str, str, int]]  # value, label, count


@dataclass
class DirectoryResult:
    filterset: DirectoryFilter
    page: Page
    total: int
    facets: list[Facet] = field(default_factory=list)


def _facet_counts(queryset: QuerySet, field_name: str) -> dict[str, int]:
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
    filterset = DirectoryFilter(params, queryset=published().select_related("municipality"))
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


def enterprise_by_slug(slug: str) -> Enterprise:
    return get_object_or_404(Enterprise.objects.select_related("municipality"), slug=slug)


def my_memberships(user) -> QuerySet[Membership]:
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


def members_of(enterprise: Enterprise) -> QuerySet[Membership]:
    return enterprise.memberships.select_related("user").order_by("role", "user__email")


def open_invitations(enterprise: Enterprise):
    from django.utils import timezone

    return enterprise.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


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


@dataclass
class GroupStats:
    """The benchmark's figures for one group of enterprises (all, a kind or a theme)."""

    key: str
    label: str
    count: int
    median_market: Decimal | None
    median_public: Decimal | None
    median_private: Decimal | None
    median_fte: Decimal | None
    median_volunteers: Decimal | None
    social_enterprises: int


MIN_GROUP = 3  # fewer enterprises than this would make a group identifiable


def _group_stats(key: str, label: str, rows: list[dict]) -> GroupStats:
    mixes = [figures.IncomeMix(row) for row in rows]
    return GroupStats(
        key=key,
        label=label,
        count=len(rows),
        median_market=figures.median(m.market_share for m in mixes),
        median_public=figures.median(m.public_share for m in mixes),
        median_private=figures.median(m.private_share for m in mixes),
        median_fte=figures.median(row["paid_staff_fte"] for row in rows),
        median_volunteers=figures.median(row["volunteers"] for row in rows),
        social_enterprises=sum(1 for m in mixes if m.meets_social_enterprise_mark),
    )


@dataclass
class Benchmark:
    overall: GroupStats
    by_kind: list[GroupStats]
    by_theme: list[GroupStats]
    total_turnover: int
    stream_totals: dict[str, int]
    stream_percentages: dict[str, int]
    share_with_real_estate: Decimal | None
    share_buildings_owned: Decimal | None
    own: list[dict]
    municipality: Municipality | None


def benchmark(*, municipality: Municipality | None = None, user=None) -> Benchmark:
    """The association's benchmark over published enterprises (latest year of each).

    Totals and shares are aggregated in the database; medians over the (few thousand) latest
    rows in Python. Groups smaller than MIN_GROUP are left out so nobody can be singled out.
    """
    enterprises = published()
    if municipality is not None:
        enterprises = enterprises.filter(municipality=municipality)
    latest = latest_figures(enterprises)
    values = list(
        latest.values(
            "enterprise_id", "enterprise__kind", "paid_staff_fte", "volunteers", *INCOME_FIELDS
        )
    )
    theme_links = defaultdict(set)
    for enterprise_id, theme_id in Enterprise.themes.through.objects.filter(
        enterprise__in=enterprises.values("pk")
    ).values_list("enterprise_id", "theme_id"):
        theme_links[theme_id].add(enterprise_id)

    overall = _group_stats("all", "", values)
    by_kind = []
    for kind, label in EnterpriseKind.choices:
        rows = [row for row in values if row["enterprise__kind"] == kind]
        if len(rows) >= MIN_GROUP:
            by_kind.append(_group_stats(kind, label, rows))
    by_theme = []
    for theme in Theme.objects.all():
        rows = [row for row in values if row["enterprise_id"] in theme_links.get(theme.pk, ())]
        if len(rows) >= MIN_GROUP:
            by_theme.append(_group_stats(theme.slug, theme.label, rows))

    sums = latest.aggregate(**{name: Sum(name) for name in INCOME_FIELDS})
    stream_totals = {name: sums[name] or 0 for name in INCOME_FIELDS}
    total_turnover = sum(stream_totals.values())
    enterprise_count = enterprises.count()
    building_counts = Asset.objects.filter(
        enterprise__in=enterprises.values("pk"), kind=AssetKind.BUILDING
    ).aggregate(
        buildings=Count("pk"),
        owned=Count("pk", filter=Q(tenure=Tenure.OWNERSHIP)),
        exploiting=Count("enterprise", distinct=True),
    )
    own = _own_positions(user, values, by_kind) if user is not None else []
    return Benchmark(
        overall=overall,
        by_kind=by_kind,
        by_theme=by_theme,
        total_turnover=total_turnover,
        stream_totals=stream_totals,
        stream_percentages=figures.whole_percentages(stream_totals),
        share_with_real_estate=figures.share(building_counts["exploiting"], enterprise_count),
        share_buildings_owned=figures.share(building_counts["owned"], building_counts["buildings"]),
        own=own,
        municipality=municipality,
    )


def _own_positions(user, values: list[dict], by_kind: list[GroupStats]) -> list[dict]:
    """Where each of the user's published enterprises stands against the median of its peers."""
    if not user.is_authenticated:
        return []
    mine = dict(
        Enterprise.objects.filter(
            memberships__user=user, status=EnterpriseStatus.PUBLISHED
        ).values_list("pk", "name")
    )
    medians = {group.key: group for group in by_kind}
    positions = []
    for row in values:
        if row["enterprise_id"] not in mine:
            continue
        mix = figures.IncomeMix(row)
        positions.append(
            {
                "name": mine[row["enterprise_id"]],
                "market_share": mix.market_share,
                "fte": row["paid_staff_fte"],
                "volunteers": row["volunteers"],
                "peers": medians.get(row["enterprise__kind"]),
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
    "market_share",
    "public_share",
    "private_share",
    "paid_staff_fte",
    "volunteers",
]


def export_rows(params: QueryDict, base_url: str):
    """The published directory as open data, filters applied, no personal data. A generator:
    rows are produced in batches so the export of thousands stays small in memory."""
    filterset = DirectoryFilter(params, queryset=published().select_related("municipality"))
    queryset = filterset.qs.order_by("name", "pk")
    themes = dict(Theme.objects.values_list("pk", "slug"))
    batch_size = 500
    for start in range(0, queryset.count(), batch_size):
        batch = list(queryset[start : start + batch_size])
        ids = [enterprise.pk for enterprise in batch]
        links = defaultdict(list)
        for enterprise_id, theme_id in Enterprise.themes.through.objects.filter(
            enterprise_id__in=ids
        ).values_list("enterprise_id", "theme_id"):
            links[enterprise_id].append(themes[theme_id])
        latest = {
            row.enterprise_id: row for row in latest_figures(Enterprise.objects.filter(pk__in=ids))
        }
        for enterprise in batch:
            row = latest.get(enterprise.pk)
            mix = figures.IncomeMix(row.income_by_stream()) if row else None
            yield {
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
                "total_income": mix.total if mix else None,
                "market_share": mix.market_share if mix else None,
                "public_share": mix.public_share if mix else None,
                "private_share": mix.private_share if mix else None,
                "paid_staff_fte": row.paid_staff_fte if row else None,
                "volunteers": row.volunteers if row else None,
            }
