"""The sector's figures, defined once and computed by the database.

Every figure the portal shows about enterprises together (the monitor, the benchmark, a
municipality's page, the monitor report) comes from here, so that a label means the same
everywhere. Each figure belongs to one year and one population: the enterprises of a given set
(the published ones, or those of one municipality) that reported figures over that year.
``MEASURES`` says in words what each figure counts: the glossary on the pages is made from it.

The arithmetic is done by the database (sums, conditional counts and medians: PostgreSQL's
``percentile_cont``, see ``lsa_portal.aggregates``), one query per grouping, whatever the number
of enterprises. What is derived from the totals (shares of the turnover) is plain arithmetic on
the results, in ``Stats``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lsa_portal.aggregates import Median

from . import figures
from .models import (
    FINANCING_FIELDS,
    TURNOVER_FIELDS,
    Asset,
    AssetKind,
    Enterprise,
    GroundTenure,
    Tenure,
    YearFigures,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

MIN_GROUP = 3  # fewer enterprises than this would make a group identifiable
PEOPLE_FIELDS = ("paid_staff_fte", "volunteers", "people_from_benefits", "residents_reached")


@dataclass(frozen=True)
class Measure:
    """One figure: its label, and what it counts in a sentence (for the glossary)."""

    key: str
    label: _StrOrPromise
    definition: _StrOrPromise


def _measures(*rows: tuple[str, _StrOrPromise, _StrOrPromise]) -> dict[str, Measure]:
    return {key: Measure(key, label, definition) for key, label, definition in rows}


MEASURES = _measures(
    (
        "reporting",
        _("Enterprises reporting"),
        _(
            "Published enterprises that entered figures over the year. Every other figure of "
            "the year is about them, and only them."
        ),
    ),
    (
        "response",
        _("Response"),
        _(
            "Enterprises reporting as a share of those invited in the year's reporting round "
            "(the published enterprises when the round was open)."
        ),
    ),
    (
        "turnover",
        _("Turnover"),
        _(
            "Income over the year: sales of products and services, rent and exploitation of "
            "buildings, participant contributions, public contracts, subsidies, foundations "
            "and funds, donations. Loans are not turnover."
        ),
    ),
    (
        "loans",
        _("Loans and social impact finance"),
        _(
            "Financing taken on over the year. It is paid back, so it is shown on its own line "
            "and left out of the turnover and of every share of it."
        ),
    ),
    (
        "stream_share",
        _("Share of an income stream"),
        _("The stream's total as a percentage of the total turnover of all enterprises."),
    ),
    (
        "market",
        _("Market income"),
        _(
            "Sales of products and services, rent and exploitation of buildings, and "
            "participant contributions."
        ),
    ),
    (
        "public",
        _("Public money"),
        _(
            "Public contracts (social procurement, Right to Challenge: public money, though not "
            "a subsidy) and subsidies."
        ),
    ),
    ("private", _("Private money"), _("Foundations and funds, donations and crowdfunding.")),
    (
        "market_mark",
        _("Reach the 75% market mark"),
        _(
            "Enterprises that earn at least three quarters (75%) of their turnover from the "
            "market: a social enterprise by the definition the association uses."
        ),
    ),
    (
        "median",
        _("Median"),
        _(
            "The middle value when the enterprises are put in order (the mean of the two middle "
            "ones for an even number): one large enterprise does not move it. A median share is "
            "the median of each enterprise's own share, over the enterprises with turnover."
        ),
    ),
    (
        "paid_staff_fte",
        _("Paid staff (FTE)"),
        _("Paid jobs in full-time equivalents, added up."),
    ),
    ("volunteers", _("Volunteers"), _("People who work as volunteers, added up.")),
    (
        "people_from_benefits",
        _("People from benefits at work"),
        _("People on benefits or far from the labour market who work at the enterprise."),
    ),
    (
        "real_estate",
        _("Exploit real estate"),
        _(
            "Enterprises that own, rent or manage at least one building or plot of land in the "
            "year (an asset counts from the year it was acquired; without a year, always)."
        ),
    ),
    (
        "buildings",
        _("Buildings"),
        _(
            "Buildings the enterprises own, rent or manage for their owner. A building can be "
            "owned on leasehold ground: the building counts as owned, its ground as leasehold."
        ),
    ),
    (
        "ground",
        _("Ground"),
        _(
            "Plots of land, and the ground under the buildings the enterprises own, by how they "
            "hold it: owned, leasehold (erfpacht), rented or leased, managed."
        ),
    ),
    (
        "fewer_than_three",
        _("Fewer than three"),
        _(
            "A group of fewer than three enterprises is not shown on its own: its figures would "
            "be those of an enterprise that can be recognised."
        ),
    ),
)


# --- Row expressions --------------------------------------------------------------------------


def _sum_of(names: Iterable[str]) -> Cast | CombinedExpression:
    """The sum of the columns as a 64-bit number: seven amounts of up to two billion euros (what
    the form allows) would overflow PostgreSQL's integer, and so would the market times 100."""
    expression: Cast | CombinedExpression | None = None
    for name in names:
        column = Cast(F(name), BigIntegerField())
        expression = column if expression is None else expression + column
    if expression is None:
        raise ValueError("a sum of no columns")
    return expression


def _percentage(part: str, whole: str) -> CombinedExpression:
    return Cast(F(part), FloatField()) * Value(100.0) / Cast(F(whole), FloatField())


def _row_aliases() -> dict[str, Cast | CombinedExpression]:
    """What each row (one enterprise's year) contributes, named for the aggregates."""
    return {
        "m_turnover": _sum_of(TURNOVER_FIELDS),
        "m_market": _sum_of(figures.MARKET_STREAMS),
        "m_public": _sum_of(figures.PUBLIC_STREAMS),
        "m_private": _sum_of(figures.PRIVATE_STREAMS),
    }


WITH_TURNOVER = Q(m_turnover__gt=0)


# Which medians a query computes (each sorts the group's rows once): all of them for a year's
# figures together, those the group tables show for groups, none for the trends.
ALL_MEDIANS = (
    "turnover",
    "market_share",
    "public_share",
    "private_share",
    *PEOPLE_FIELDS,
)
GROUP_MEDIANS = (
    "turnover",
    "market_share",
    "public_share",
    "private_share",
    "paid_staff_fte",
    "volunteers",
)
# What the monitor's group tables show.
MONITOR_GROUP_MEDIANS = ("turnover", "market_share", "paid_staff_fte", "volunteers")
NO_MEDIANS: tuple[str, ...] = ()


def _median(name: str) -> Median:
    if name == "turnover":
        return Median("m_turnover")
    if name.endswith("_share"):
        part = f"m_{name.removesuffix('_share')}"
        return Median(_percentage(part, "m_turnover"), filter=WITH_TURNOVER)
    return Median(name)


def _aggregates(medians: tuple[str, ...]) -> dict:
    """The aggregates of ``Stats`` for one group of rows, with the ``medians`` asked for."""
    aggregates = {
        "count": Count("pk"),
        "with_turnover": Count("pk", filter=WITH_TURNOVER),
        "turnover": Sum("m_turnover"),
        "market": Sum("m_market"),
        "public": Sum("m_public"),
        "private": Sum("m_private"),
        "sum_expenses": Sum("expenses"),
        **{f"stream_{name}": Sum(name) for name in (*TURNOVER_FIELDS, *FINANCING_FIELDS)},
        # Exact: market * 100 >= 75 * turnover, in whole euros (no rounding on the mark).
        "social_enterprises": Count(
            "pk",
            filter=WITH_TURNOVER
            & Q(m_market_x100__gte=F("m_turnover") * int(figures.SOCIAL_ENTERPRISE_MARKET_SHARE)),
        ),
        **{f"sum_{name}": Sum(name) for name in PEOPLE_FIELDS},
    }
    for name in medians:
        aggregates[f"median_{name}"] = _median(name)
    return aggregates


# --- Results ----------------------------------------------------------------------------------

ONE_DECIMAL = Decimal("0.1")
# The median of values with one decimal (FTE) or whole ones can end in .05 or .5: kept exact.
TWO_DECIMALS = Decimal("0.01")


def _quantized(value: object, places: Decimal = ONE_DECIMAL) -> Decimal:
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def _decimal(value: object, places: Decimal = ONE_DECIMAL) -> Decimal | None:
    """``value`` (a median; None for a group without values) as a rounded Decimal."""
    if value is None:
        return None
    return _quantized(value, places)


@dataclass
class RealEstate:
    """The buildings and ground of a group's enterprises, by tenure."""

    with_real_estate: int = 0
    buildings: int = 0
    buildings_owned: int = 0
    buildings_on_leasehold: int = 0
    buildings_rented: int = 0
    buildings_managed: int = 0
    plots: int = 0
    ground: int = 0
    ground_owned: int = 0
    ground_leasehold: int = 0
    ground_rented: int = 0
    ground_managed: int = 0

    @property
    def share_buildings_owned(self) -> Decimal | None:
        return figures.share(self.buildings_owned, self.buildings)


@dataclass
class Stats:
    """One group's figures over one year (or each year, for trends)."""

    key: str = ""
    label: _StrOrPromise = ""
    count: int = 0
    with_turnover: int = 0
    turnover: int = 0
    market: int = 0
    public: int = 0
    private: int = 0
    loans: int = 0
    expenses: int = 0
    streams: dict[str, int] = field(default_factory=dict)
    social_enterprises: int = 0
    median_turnover: Decimal | None = None
    median_market_share: Decimal | None = None
    median_public_share: Decimal | None = None
    median_private_share: Decimal | None = None
    paid_staff_fte: Decimal = Decimal(0)
    volunteers: int = 0
    people_from_benefits: int = 0
    residents_reached: int = 0
    median_paid_staff_fte: Decimal | None = None
    median_volunteers: Decimal | None = None
    median_people_from_benefits: Decimal | None = None
    median_residents_reached: Decimal | None = None
    real_estate: RealEstate = field(default_factory=RealEstate)

    @property
    def shown(self) -> bool:
        """Enough enterprises to show the group's figures (the fewer-than-three rule)."""
        return self.count >= MIN_GROUP

    @property
    def market_share(self) -> Decimal | None:
        """The market's share of the group's total turnover."""
        return figures.share(self.market, self.turnover)

    @property
    def public_share(self) -> Decimal | None:
        return figures.share(self.public, self.turnover)

    @property
    def private_share(self) -> Decimal | None:
        return figures.share(self.private, self.turnover)

    @property
    def stream_percentages(self) -> dict[str, int]:
        """Whole percentages of each turnover stream, adding up to 100."""
        return figures.whole_percentages({name: self.streams[name] for name in TURNOVER_FIELDS})

    @property
    def share_with_real_estate(self) -> Decimal | None:
        return figures.share(self.real_estate.with_real_estate, self.count)

    @property
    def share_market_mark(self) -> Decimal | None:
        return figures.share(self.social_enterprises, self.with_turnover)


def _stats(row: dict, key: str = "", label: str = "") -> Stats:
    streams = {name: row[f"stream_{name}"] or 0 for name in (*TURNOVER_FIELDS, *FINANCING_FIELDS)}
    stats = Stats(
        key=key,
        label=label,
        count=row["count"] or 0,
        with_turnover=row["with_turnover"] or 0,
        turnover=row["turnover"] or 0,
        market=row["market"] or 0,
        public=row["public"] or 0,
        private=row["private"] or 0,
        loans=sum(streams[name] for name in FINANCING_FIELDS),
        expenses=row["sum_expenses"] or 0,
        streams=streams,
        social_enterprises=row["social_enterprises"] or 0,
        median_turnover=_decimal(row.get("median_turnover"), Decimal(1)),
        median_market_share=_decimal(row.get("median_market_share")),
        median_public_share=_decimal(row.get("median_public_share")),
        median_private_share=_decimal(row.get("median_private_share")),
        paid_staff_fte=_quantized(row["sum_paid_staff_fte"] or 0),
        volunteers=row["sum_volunteers"] or 0,
        people_from_benefits=row["sum_people_from_benefits"] or 0,
        residents_reached=row["sum_residents_reached"] or 0,
        median_paid_staff_fte=_decimal(row.get("median_paid_staff_fte"), TWO_DECIMALS),
        median_volunteers=_decimal(row.get("median_volunteers"), TWO_DECIMALS),
        median_people_from_benefits=_decimal(row.get("median_people_from_benefits"), TWO_DECIMALS),
        median_residents_reached=_decimal(row.get("median_residents_reached"), TWO_DECIMALS),
    )
    return stats


# --- Queries ----------------------------------------------------------------------------------

# What a group is: the path from a year's figures (and from an asset) to the group's key.
DIMENSIONS = {
    "year": "year",
    "kind": "enterprise__kind",
    "province": "enterprise__municipality__province",
    "theme": "enterprise__themes__slug",
    "municipality": "enterprise__municipality_id",
}


def _rows(enterprises: QuerySet[Enterprise], year: int | None) -> QuerySet[YearFigures]:
    rows = YearFigures.objects.filter(enterprise__in=enterprises.values("pk"))
    if year is not None:
        rows = rows.filter(year=year)
    aliases = _row_aliases()
    return rows.annotate(**aliases, m_market_x100=aliases["m_market"] * Value(100))


def figures_by(
    enterprises: QuerySet[Enterprise],
    year: int | None,
    by: str | None = None,
    medians: tuple[str, ...] | None = None,
) -> dict[object, Stats]:
    """The figures of ``enterprises`` over ``year``: of them all (``by`` None: one entry, key
    ``""``), or per group (``by`` one of ``DIMENSIONS``; ``year`` None with ``by="year"`` gives
    every year). One query. ``medians`` says which medians to compute (by default all of them
    for the whole, the group tables' for groups). Groups come back whatever their size: the
    caller applies the fewer-than-three rule.
    """
    if medians is None:
        medians = ALL_MEDIANS if by is None else GROUP_MEDIANS
    rows = _rows(enterprises, year)
    aggregates = _aggregates(medians)
    if by is None:
        return {"": _stats(rows.aggregate(**aggregates))}
    path = DIMENSIONS[by]
    grouped = rows.values(path).annotate(**aggregates).order_by(path)
    return {row[path]: _stats(row, key=row[path]) for row in grouped if row[path] is not None}


def reported(enterprises: QuerySet[Enterprise], year: int) -> QuerySet[Enterprise]:
    """The enterprises of ``enterprises`` that reported figures over ``year``."""
    return enterprises.filter(
        Exists(YearFigures.objects.filter(enterprise=OuterRef("pk"), year=year))
    )


BUILDING = Q(kind=AssetKind.BUILDING)
HOLDS_GROUND = ~Q(ground_tenure="")
REAL_ESTATE = Q(kind__in=[AssetKind.BUILDING, AssetKind.LAND]) | HOLDS_GROUND


def _real_estate_aggregates() -> dict:
    return {
        "with_real_estate": Count("enterprise", distinct=True, filter=REAL_ESTATE),
        "buildings": Count("pk", filter=BUILDING),
        "buildings_owned": Count("pk", filter=BUILDING & Q(tenure=Tenure.OWNERSHIP)),
        "buildings_on_leasehold": Count(
            "pk",
            filter=BUILDING & Q(tenure=Tenure.OWNERSHIP, ground_tenure=GroundTenure.LEASEHOLD),
        ),
        "buildings_rented": Count("pk", filter=BUILDING & Q(tenure=Tenure.RENT)),
        "buildings_managed": Count("pk", filter=BUILDING & Q(tenure=Tenure.MANAGEMENT)),
        "plots": Count("pk", filter=Q(kind=AssetKind.LAND)),
        "ground": Count("pk", filter=HOLDS_GROUND),
        "ground_owned": Count("pk", filter=Q(ground_tenure=GroundTenure.OWNERSHIP)),
        "ground_leasehold": Count("pk", filter=Q(ground_tenure=GroundTenure.LEASEHOLD)),
        "ground_rented": Count("pk", filter=Q(ground_tenure=GroundTenure.RENT)),
        "ground_managed": Count("pk", filter=Q(ground_tenure=GroundTenure.MANAGEMENT)),
    }


def real_estate_by(
    enterprises: QuerySet[Enterprise], year: int, by: str | None = None
) -> dict[object, RealEstate]:
    """The buildings and ground held in ``year`` by the enterprises of ``enterprises`` that
    reported over it (the same population as ``figures_by``), of them all or per group. One
    query."""
    assets = Asset.objects.filter(
        Q(since_year__isnull=True) | Q(since_year__lte=year),
        enterprise__in=reported(enterprises, year).values("pk"),
    )
    aggregates = _real_estate_aggregates()
    if by is None:
        return {"": RealEstate(**assets.aggregate(**aggregates))}
    path = DIMENSIONS[by]
    grouped = assets.values(path).annotate(**aggregates).order_by(path)
    return {
        row[path]: RealEstate(**{name: row[name] for name in aggregates})
        for row in grouped
        if row[path] is not None
    }


def real_estate_by_kind_and_province(
    enterprises: QuerySet[Enterprise], year: int
) -> dict[str, dict[object, RealEstate]]:
    """The real estate of ``real_estate_by`` of them all, per kind and per province, from one
    query: the database counts per kind and province together, and as every enterprise is in
    one such cell (so counting its distinct enterprises adds up too), the cells are added up
    here."""
    assets = Asset.objects.filter(
        Q(since_year__isnull=True) | Q(since_year__lte=year),
        enterprise__in=reported(enterprises, year).values("pk"),
    )
    aggregates = _real_estate_aggregates()
    kind, province = DIMENSIONS["kind"], DIMENSIONS["province"]
    cells = assets.values(kind, province).annotate(**aggregates).order_by()
    totals: dict[str, dict[object, RealEstate]] = {"": {}, "kind": {}, "province": {}}
    for cell in cells:
        for by, key in (("", ""), ("kind", cell[kind]), ("province", cell[province])):
            estate = totals[by].setdefault(key, RealEstate())
            for name in aggregates:
                setattr(estate, name, getattr(estate, name) + cell[name])
    totals[""].setdefault("", RealEstate())
    return totals


def holdings_medians(
    enterprises: QuerySet[Enterprise], year: int, reporting: int
) -> dict[str, Decimal | None]:
    """The median number of buildings and of plots of land per enterprise of the ``reporting``
    that reported over ``year`` (one without any counts as zero). One query: the counts per
    enterprise that holds something."""
    population = reported(enterprises, year)
    holding = list(
        Asset.objects.filter(
            Q(since_year__isnull=True) | Q(since_year__lte=year),
            enterprise__in=population.values("pk"),
        )
        .values("enterprise")
        .annotate(
            buildings=Count("pk", filter=BUILDING), plots=Count("pk", filter=Q(kind=AssetKind.LAND))
        )
        .values_list("buildings", "plots")
    )
    without = reporting - len(holding)
    return {
        "buildings": figures.median([*(row[0] for row in holding), *[0] * without]),
        "plots": figures.median([*(row[1] for row in holding), *[0] * without]),
    }


def year_stats(
    enterprises: QuerySet[Enterprise], year: int, by: str | None = None
) -> dict[object, Stats]:
    """``figures_by`` with each group's real estate filled in: two queries."""
    stats = figures_by(enterprises, year, by)
    for key, estate in real_estate_by(enterprises, year, by).items():
        if key in stats:
            stats[key].real_estate = estate
    return stats


def reporting_per_year(enterprises: QuerySet[Enterprise]) -> dict[int, int]:
    """How many enterprises of ``enterprises`` reported over each year, newest year first. One
    query."""
    rows = (
        YearFigures.objects.filter(enterprise__in=enterprises.values("pk"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    return {row["year"]: row["n"] for row in rows}


def latest_complete_year(counts: dict[int, int], today=None) -> int | None:
    """The most recent calendar year that is over in which at least MIN_GROUP enterprises
    reported (late reporters should not hide a year that is complete for most); failing that,
    the most recent year anyone reported. ``counts`` as ``reporting_per_year`` gives them."""
    this_year = (today or timezone.localdate()).year
    for year in sorted(counts, reverse=True):
        if year < this_year and counts[year] >= MIN_GROUP:
            return year
    return max(counts) if counts else None


# --- Groups that may be shown ------------------------------------------------------------------

# Groupings in which every enterprise is in exactly one group: there a group left out could be
# worked out by subtracting the others from the total.
PARTITIONS = ("kind", "province")


def _suppressed(by: str, stats: Mapping[Any, Stats]) -> set[Any]:
    """The groups not to show: those of fewer than MIN_GROUP enterprises and, where the groups
    partition the total, the smallest shown one too when the left-out ones together hold fewer
    than MIN_GROUP (their figures would otherwise follow from the total minus the others)."""
    hidden = {key for key, group in stats.items() if not group.shown}
    if by in PARTITIONS:
        remainder = sum(stats[key].count for key in hidden)
        visible = sorted((group.count, str(key), key) for key, group in stats.items())
        visible = [entry for entry in visible if entry[2] not in hidden]
        if 0 < remainder < MIN_GROUP and visible:
            hidden.add(visible[0][2])
    return hidden


def shown_groups(
    by: str, stats: Mapping[Any, Stats], labels: Mapping[Any, _StrOrPromise]
) -> tuple[list[Stats], int]:
    """The groups of ``stats`` that may be shown, labelled, in the order of ``labels``, and how
    many were left out (the fewer-than-three rule)."""
    hidden = _suppressed(by, stats)
    shown = []
    for key, label in labels.items():
        group = stats.get(key)
        if group is not None and key not in hidden:
            group.label = label
            shown.append(group)
    return shown, len(hidden)


# --- Keeping figures ---------------------------------------------------------------------------


def stats_to_json(stats: Stats) -> dict:
    """A group's figures as JSON (money and counts as numbers, decimals as strings), to be kept
    as they were (a fixed edition of the monitor). Not its label: that is translated when shown."""
    data = asdict(stats)
    data.pop("label")
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in data.items()}


def stats_from_json(data: dict) -> Stats:
    """The figures ``stats_to_json`` kept."""
    values = dict(data)
    for name, kind in Stats.__annotations__.items():
        if name in values and "Decimal" in str(kind) and values[name] is not None:
            values[name] = Decimal(values[name])
    values["real_estate"] = RealEstate(**values.get("real_estate", {}))
    return Stats(**values)
