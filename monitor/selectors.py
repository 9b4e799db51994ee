"""Everything the monitor's pages read: one year's figures (fixed when the year's round closed,
provisional before), by kind, theme and province, and the trends over the years. The figures
themselves come from ``enterprises.measures``: the definitions the benchmark and the
municipality pages use too."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from enterprises import figures, measures
from enterprises.models import EnterpriseKind, Province, Theme
from enterprises.selectors import DIRECTORY_FRAGMENTS, published

from .models import MonitorEdition, ReportingRound

# The fragment-cache namespace of what rounds and editions change (a year's state, its fixed
# figures); the figures themselves follow the directory's namespace.
MONITOR_FRAGMENTS = "monitor"
PAGE_FRAGMENTS = (DIRECTORY_FRAGMENTS, MONITOR_FRAGMENTS)

GROUPINGS = ("kind", "theme", "province")
# Groupings in which every enterprise is in exactly one group: there a group left out could be
# worked out by subtracting the others from the total (see ``_suppressed``).
PARTITIONS = ("kind", "province")


def group_labels(by: str) -> dict[str, str]:
    """Each group's key and label, in the order the tables show them."""
    if by == "kind":
        return dict(EnterpriseKind.choices)
    if by == "province":
        return dict(Province.choices)
    return {theme.slug: theme.label for theme in Theme.objects.all()}


@dataclass
class Grouping:
    """One table of the monitor: the groups that may be shown, and how many were left out."""

    by: str
    groups: list[measures.Stats]
    left_out: int = 0


def _suppressed(by: str, stats: dict[str, measures.Stats]) -> set[str]:
    """The groups not to show: those of fewer than three enterprises and, where the groups
    partition the total, one more when the left-out groups together hold fewer than three (their
    figures would otherwise follow from the total minus the groups shown)."""
    hidden = {key for key, group in stats.items() if not group.shown}
    if by in PARTITIONS:
        remainder = sum(stats[key].count for key in hidden)
        visible = sorted(
            (group.count, str(key)) for key, group in stats.items() if key not in hidden
        )
        if 0 < remainder < measures.MIN_GROUP and visible:
            hidden.add(visible[0][1])
    return hidden


def grouping(by: str, stats: dict[str, measures.Stats]) -> Grouping:
    labels = group_labels(by)
    hidden = _suppressed(by, stats)
    shown = []
    for key, label in labels.items():
        group = stats.get(key)
        if group is not None and key not in hidden:
            group.label = label
            shown.append(group)
    return Grouping(by=by, groups=shown, left_out=len([key for key in stats if key in hidden]))


@dataclass
class YearFigures:
    """A year's figures as shown: all enterprises together and each grouping."""

    overall: measures.Stats
    groupings: dict[str, dict[str, measures.Stats]]


def compute(year: int, enterprises: QuerySet | None = None) -> YearFigures:
    """The year's figures now, from the database (eight queries)."""
    enterprises = published() if enterprises is None else enterprises
    return YearFigures(
        overall=measures.year_stats(enterprises, year)[""],
        groupings={by: measures.year_stats(enterprises, year, by) for by in GROUPINGS},
    )


def to_json(data: YearFigures) -> dict:
    """What an edition keeps of a year's figures (labels are not kept: they are translated
    when shown)."""
    return {
        "overall": measures.stats_to_json(data.overall),
        "groupings": {
            by: {str(key): measures.stats_to_json(group) for key, group in groups.items()}
            for by, groups in data.groupings.items()
        },
    }


def from_json(data: dict) -> YearFigures:
    return YearFigures(
        overall=measures.stats_from_json(data["overall"]),
        groupings={
            by: {key: measures.stats_from_json(group) for key, group in groups.items()}
            for by, groups in data["groupings"].items()
        },
    )


@dataclass
class TrendPoint:
    """One year of the trends: the enterprises that reported over it together."""

    year: int
    stats: measures.Stats
    invited: int | None = None
    fixed: bool = False

    @property
    def response(self) -> Decimal | None:
        return figures.share(self.stats.count, self.invited) if self.invited else None


@dataclass
class Monitor:
    """The monitor of one year."""

    year: int
    years: list[int]
    overall: measures.Stats
    groupings: list[Grouping]
    trend: list[TrendPoint]
    round: ReportingRound | None = None
    editions: list[MonitorEdition] = field(default_factory=list)  # newest first
    invited: int | None = None

    @property
    def edition(self) -> MonitorEdition | None:
        """The edition shown (the newest), when the year's monitor is fixed."""
        return self.editions[0] if self.editions else None

    @property
    def provisional(self) -> bool:
        return not self.editions

    @property
    def corrections(self) -> list[MonitorEdition]:
        return [edition for edition in self.editions if edition.is_correction]

    @property
    def response(self) -> Decimal | None:
        return figures.share(self.overall.count, self.invited) if self.invited else None


def _editions_by_year() -> dict[int, list[MonitorEdition]]:
    editions: dict[int, list[MonitorEdition]] = {}
    for edition in MonitorEdition.objects.order_by("-year", "-number"):
        editions.setdefault(edition.year, []).append(edition)
    return editions


def _invited_by_year() -> dict[int, int]:
    from django.db.models import Count

    return dict(ReportingRound.objects.annotate(n=Count("invitations")).values_list("year", "n"))


def trend(editions: dict[int, list[MonitorEdition]], invited: dict[int, int]) -> list[TrendPoint]:
    """Every year with figures, oldest first: a fixed year as its newest edition has it, any
    other year as the database has it now (one query for all of those)."""
    live = measures.figures_by(published(), None, "year", medians=measures.NO_MEDIANS)
    points = []
    for year in sorted(set(live) | set(editions)):
        if year in editions:
            newest = editions[year][0]
            stats = measures.stats_from_json(newest.data["overall"])
            points.append(TrendPoint(year, stats, newest.population, fixed=True))
        else:
            points.append(TrendPoint(year, live[year], invited.get(year)))
    return points


def monitor(year: int, *, edition: MonitorEdition | None = None) -> Monitor | None:
    """The monitor of ``year``: fixed (its newest edition, or the ``edition`` given, whose
    report shows the trends up to its year) once the year's round closed, otherwise computed
    now. None when nothing is known about the year."""
    editions = _editions_by_year()
    invited = _invited_by_year()
    points = trend(editions, invited)
    if edition is not None:
        points = [point for point in points if point.year <= edition.year]
    years = [point.year for point in points]
    if year not in years:
        return None
    round_ = ReportingRound.objects.filter(year=year).first()
    shown = editions.get(year, [])
    if edition is not None:
        shown = [earlier for earlier in shown if earlier.number <= edition.number]
    if shown:
        data = from_json(shown[0].data)
        population = shown[0].population
    else:
        data = compute(year)
        population = invited.get(year)
    return Monitor(
        year=year,
        years=sorted(years, reverse=True),
        overall=data.overall,
        groupings=[grouping(by, data.groupings[by]) for by in GROUPINGS],
        trend=points,
        round=round_,
        editions=shown,
        invited=population,
    )


def newest_edition(year: int) -> MonitorEdition | None:
    """The edition of ``year`` the monitor shows, if the year is fixed."""
    return MonitorEdition.objects.filter(year=year).order_by("-number").first()


def round_of(year: int) -> ReportingRound | None:
    return ReportingRound.objects.filter(year=year).first()


def has_figures(year: int) -> bool:
    """Whether any published enterprise reported over ``year``."""
    return measures.reported(published(), year).exists()


def latest_year() -> int | None:
    """The year the monitor opens on: the newest fixed year, else the newest year with
    figures."""
    fixed = MonitorEdition.objects.order_by("-year").values_list("year", flat=True).first()
    if fixed is not None:
        return fixed
    counts = measures.reporting_per_year(published())
    return measures.latest_complete_year(counts)
