"""Everything the monitor's pages read: one year's figures (fixed when the year's round closed,
provisional before), by kind, theme and province, and the trends over the years. The figures
themselves come from ``enterprises.measures``: the definitions the benchmark and the
municipality pages use too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises import figures, measures
from enterprises.models import Enterprise, EnterpriseKind, Membership, Province, Theme
from enterprises.models import YearFigures as EnterpriseYearFigures
from enterprises.selectors import (
    DIRECTORY_FRAGMENTS,
    describe_flags,
    municipality_codes_by_province,
    published,
)
from lsa_portal.waiting import LINK_LIMIT, Link, Waiting
from municipalities import maps

from .models import MonitorEdition, ReportingRound, RoundInvitation, RoundReminder

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# The fragment-cache namespace of what rounds and editions change (a year's state, its fixed
# figures); the figures themselves follow the directory's namespace.
MONITOR_FRAGMENTS = "monitor"
PAGE_FRAGMENTS = (DIRECTORY_FRAGMENTS, MONITOR_FRAGMENTS)

GROUPINGS = ("kind", "theme", "province")


def group_labels(by: str) -> dict[str, _StrOrPromise]:
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


def grouping(by: str, stats: dict[str, measures.Stats]) -> Grouping:
    shown, left_out = measures.shown_groups(by, stats, group_labels(by))
    return Grouping(by=by, groups=shown, left_out=left_out)


@dataclass
class YearFigures:
    """A year's figures as shown: all enterprises together and each grouping."""

    overall: measures.Stats
    groupings: dict[str, dict[Any, measures.Stats]]


def compute(year: int, enterprises: QuerySet[Enterprise] | None = None) -> YearFigures:
    """The year's figures now, from the database: the figures of all and per group (four
    queries), and their real estate (two: one for the themes, one for the rest)."""
    enterprises = published() if enterprises is None else enterprises
    overall = measures.figures_by(enterprises, year)[""]
    groupings = {
        by: measures.figures_by(enterprises, year, by, medians=measures.MONITOR_GROUP_MEDIANS)
        for by in GROUPINGS
    }
    estates = measures.real_estate_by_kind_and_province(enterprises, year)
    estates["theme"] = measures.real_estate_by(enterprises, year, "theme")
    overall.real_estate = estates[""][""]
    for by, groups in groupings.items():
        for key, stats in groups.items():
            stats.real_estate = estates[by].get(key, measures.RealEstate())
    return YearFigures(overall=overall, groupings=groupings)


def to_json(data: YearFigures) -> dict[str, Any]:
    """What an edition keeps of a year's figures (labels are not kept: they are translated
    when shown)."""
    return {
        "overall": measures.stats_to_json(data.overall),
        "groupings": {
            by: {str(key): measures.stats_to_json(group) for key, group in groups.items()}
            for by, groups in data.groupings.items()
        },
    }


def from_json(data: dict[str, Any]) -> YearFigures:
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
    return dict(ReportingRound.objects.annotate(n=Count("invitations")).values_list("year", "n"))


def trend(editions: dict[int, list[MonitorEdition]], invited: dict[int, int]) -> list[TrendPoint]:
    """Every year with figures, oldest first: a fixed year as its newest edition has it, any
    other year as the database has it now (one query for all of those)."""
    live: dict[Any, measures.Stats] = measures.figures_by(
        published(), None, "year", medians=measures.NO_MEDIANS
    )
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


def province_map(data: Monitor) -> maps.Map:
    """The table by province on a map: the provinces the table shows, with the table's number
    of enterprises (no second count); those it leaves out are drawn as not shown. The
    provinces' municipalities: one cached query."""
    table = next(grouping for grouping in data.groupings if grouping.by == "province")
    return maps.province_map(
        {group.key: group.count for group in table.groups},
        municipality_codes_by_province(),
        labels=group_labels("province"),
        title=_("Map of the Netherlands: enterprises that reported over %(year)s, by province")
        % {"year": data.year},
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


# --- Reporting rounds (staff) -----------------------------------------------------------------


def has_reported(year: int) -> Exists:
    """Whether an invitation's enterprise entered figures over ``year`` (whatever its status
    now): the definition of 'reported' of a round."""
    return Exists(
        EnterpriseYearFigures.objects.filter(enterprise_id=OuterRef("enterprise_id"), year=year)
    )


# QuerySet[Any]: django-stubs' plugin refuses a filter on the annotation ``reported``.
def with_reported(invitations: QuerySet[RoundInvitation], round_: ReportingRound) -> QuerySet[Any]:
    """The invitations with ``reported`` (see ``has_reported``)."""
    return invitations.annotate(reported=has_reported(round_.year))


@dataclass
class RoundRow:
    """A round in the list of rounds, with its response."""

    round: ReportingRound
    invited: int
    reported: int

    @property
    def response(self) -> Decimal | None:
        return figures.share(self.reported, self.invited)


def rounds() -> list[RoundRow]:
    """Every reporting round, newest year first, with how many were invited and reported (one
    query)."""
    found = ReportingRound.objects.select_related("opened_by", "closed_by").annotate(
        n_invited=Count("invitations", distinct=True),
        n_reported=Count(
            "invitations",
            filter=Q(invitations__enterprise__year_figures__year=F("year")),
            distinct=True,
        ),
    )
    return [RoundRow(item, item.n_invited, item.n_reported) for item in found.order_by("-year")]


@dataclass
class GroupProgress:
    """Invited and reported in one province or of one kind."""

    key: str
    label: str
    invited: int
    reported: int

    @property
    def response(self) -> Decimal | None:
        return figures.share(self.reported, self.invited)


@dataclass
class NonRespondent:
    """An invited enterprise that has not reported: whom to call or mail."""

    enterprise: Enterprise
    recipients: int  # addresses the invitation went to
    member_emails: list[str]
    reminders: list[int]  # the reminders sent (days before the deadline), largest first


@dataclass
class ReminderStep:
    """One reminder of a round: when it goes, and to how many it went."""

    days: int
    on: date
    sent: int
    before_opening: bool  # falls on or before the opening day: never sent


@dataclass
class FlaggedFigures:
    """A year's figures that look implausible, for staff to check with the enterprise."""

    figures: EnterpriseYearFigures
    described: list[str]


@dataclass
class RoundProgress:
    """Everything the round's page shows."""

    round: ReportingRound
    invited: int
    reported: int
    unmailed: int  # invited enterprises with no one to mail (kept by staff alone)
    by_province: list[GroupProgress]
    by_kind: list[GroupProgress]
    not_reported: list[NonRespondent]
    flagged: list[FlaggedFigures]
    schedule: list[ReminderStep]
    edition: MonitorEdition | None = None  # the newest, once the round closed
    pending: list[EnterpriseYearFigures] = field(default_factory=list)

    @property
    def response(self) -> Decimal:
        return figures.share(self.reported, self.invited) or Decimal(0)


def _group_progress(
    round_: ReportingRound, path: str, labels: dict[str, _StrOrPromise]
) -> list[GroupProgress]:
    counts = {
        row["key"]: row
        for row in round_.invitations.values(key=F(path))
        .annotate(n_invited=Count("pk"), n_reported=Count("pk", filter=has_reported(round_.year)))
        .order_by()
    }
    return [
        GroupProgress(str(key), str(label), counts[key]["n_invited"], counts[key]["n_reported"])
        for key, label in labels.items()
        if key in counts
    ]


def non_respondents(round_: ReportingRound) -> list[NonRespondent]:
    """The invited enterprises that have not reported over the round's year, by name, with
    their contact person, their members' addresses and the reminders they had (three
    queries, whatever their number)."""
    members = Prefetch(
        "enterprise__memberships",
        queryset=Membership.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("role", "user__email"),
    )
    reminders = Prefetch(
        "enterprise__round_reminders",
        queryset=RoundReminder.objects.filter(round=round_).order_by("-days_before"),
    )
    invitations = (
        with_reported(round_.invitations.all(), round_)
        .filter(reported=False)
        .select_related("enterprise__municipality")
        .prefetch_related(members, reminders)
        .order_by("enterprise__name", "enterprise__pk")
    )
    rows = []
    for invitation in invitations:
        enterprise = invitation.enterprise
        emails = list(dict.fromkeys(m.user.email for m in enterprise.memberships.all()))
        rows.append(
            NonRespondent(
                enterprise=enterprise,
                recipients=invitation.recipients,
                member_emails=emails,
                reminders=[reminder.days_before for reminder in enterprise.round_reminders.all()],
            )
        )
    return rows


def _schedule(round_: ReportingRound) -> list[ReminderStep]:
    sent = dict(
        RoundReminder.objects.filter(round=round_)
        .values_list("days_before")
        .annotate(n=Count("pk"))
        .order_by()
    )
    opened_on = timezone.localdate(round_.opened_at)
    steps = []
    for days in round_.reminders:
        on = round_.deadline - timedelta(days=days)
        steps.append(ReminderStep(days, on, sent.get(days, 0), before_opening=on <= opened_on))
    return steps


def _to_check(year: int | OuterRef) -> QuerySet[EnterpriseYearFigures]:
    """The figures over ``year`` (a number, or an expression) of published enterprises that
    were flagged as implausible and not yet checked by staff."""
    return EnterpriseYearFigures.objects.filter(
        # django-stubs refuse an OuterRef as a lookup value; Django takes it (the year of a row).
        year=year,  # type: ignore[misc]
        flags_checked_at__isnull=True,
        enterprise__in=published(),
    ).exclude(flags=[])


def _changed_since(
    year: int | OuterRef, since: datetime | OuterRef
) -> QuerySet[EnterpriseYearFigures]:
    """The figures over ``year`` of published enterprises changed since ``since`` (the newest
    edition, or the closing of the round): what a correction would take in."""
    return EnterpriseYearFigures.objects.filter(
        year=year,  # type: ignore[misc]  # an OuterRef, as above
        updated_at__gt=since,
        enterprise__in=published(),
    )


def flagged_figures(year: int) -> list[FlaggedFigures]:
    """The figures over ``year`` to check (one query)."""
    found = (
        _to_check(year)
        .select_related("enterprise__municipality")
        .order_by("enterprise__name", "pk")
    )
    return [FlaggedFigures(item, describe_flags(item.flags)) for item in found]


def pending_corrections(year: int, since: datetime) -> list[EnterpriseYearFigures]:
    """The figures over ``year`` changed since the monitor was fixed (one query)."""
    return list(
        _changed_since(year, since)
        .select_related("enterprise__municipality")
        .order_by("enterprise__name", "pk")
    )


def round_progress(year: int) -> RoundProgress | None:
    """The round over ``year`` as staff follow it: invited, reported, per province and kind,
    who has not answered, the figures to check and, once closed, the pending corrections. A
    constant number of queries, whatever the number of enterprises. None without a round."""
    round_ = (
        ReportingRound.objects.select_related("opened_by", "closed_by").filter(year=year).first()
    )
    if round_ is None:
        return None
    # The expression itself in the aggregates, not an annotation: an aggregate over a whole
    # queryset leaves the annotation out of its subquery (Django 5.2).
    totals = round_.invitations.aggregate(
        invited=Count("pk"),
        reported=Count("pk", filter=has_reported(year)),
        unmailed=Count("pk", filter=Q(recipients=0)),
    )
    progress = RoundProgress(
        round=round_,
        invited=totals["invited"],
        reported=totals["reported"],
        unmailed=totals["unmailed"],
        by_province=_group_progress(
            round_, "enterprise__municipality__province", dict(Province.choices)
        ),
        by_kind=_group_progress(round_, "enterprise__kind", dict(EnterpriseKind.choices)),
        not_reported=non_respondents(round_),
        flagged=flagged_figures(year),
        schedule=_schedule(round_),
    )
    if not round_.is_open:
        progress.edition = MonitorEdition.objects.filter(year=year).order_by("-number").first()
        since = progress.edition.published_at if progress.edition else round_.closed_at
        # A closed round has its closed_at; the model's type cannot say so.
        progress.pending = pending_corrections(year, since)  # type: ignore[arg-type]
    return progress


def year_figures_to_check(year: int, pk: int) -> EnterpriseYearFigures:
    """One year's figures of the round's year, for the 'checked' button (404 otherwise)."""
    return get_object_or_404(
        EnterpriseYearFigures.objects.select_related("enterprise"), pk=pk, year=year
    )


def round_for(year: int) -> ReportingRound:
    return get_object_or_404(ReportingRound, year=year)


# --- For staff ----------------------------------------------------------------------------------


def _count(figures: QuerySet[EnterpriseYearFigures]) -> Coalesce:
    """How many figures a correlated queryset (all of one year) finds, as a subquery."""
    return Coalesce(
        Subquery(
            figures.order_by().values("year").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def waiting_for_staff() -> list[Waiting]:
    """Per reporting round: while it is open, the figures to check; once closed, the figures
    changed since its monitor was fixed, which wait for a correction. And the years whose
    newest report could not be made. Two queries."""
    from .report import RUNNER  # the report reads this module

    newest_edition = (
        MonitorEdition.objects.filter(year=OuterRef("year"))
        .order_by("-number")
        .values("published_at")[:1]
    )
    rounds = list(
        ReportingRound.objects.annotate(since=Coalesce(Subquery(newest_edition), F("closed_at")))
        .annotate(
            to_check=_count(_to_check(OuterRef("year"))),
            changed=_count(_changed_since(OuterRef("year"), OuterRef("since"))),
        )
        .order_by("-year")
    )
    rounds_url = reverse("monitor:rounds")
    to_check = [
        Waiting(
            f"monitor-check-{round_.year}",
            round_.to_check,
            ngettext(
                "set of figures to check in the %(year)s round",
                "sets of figures to check in the %(year)s round",
                round_.to_check,
            )
            % {"year": round_.year},
            reverse("monitor:round", kwargs={"year": round_.year}) + "#flagged-title",
        )
        for round_ in rounds
        if round_.is_open and round_.to_check
    ] or [
        Waiting(
            "monitor-check",
            0,
            ngettext(
                "set of figures to check in an open round",
                "sets of figures to check in an open round",
                0,
            ),
            rounds_url,
        )
    ]
    corrections = [
        Waiting(
            f"monitor-corrections-{round_.year}",
            round_.changed,
            ngettext(
                "set of figures changed since the %(year)s monitor was fixed",
                "sets of figures changed since the %(year)s monitor was fixed",
                round_.changed,
            )
            % {"year": round_.year},
            reverse("monitor:round", kwargs={"year": round_.year}) + "#pending-title",
        )
        for round_ in rounds
        if not round_.is_open and round_.changed
    ] or [
        Waiting(
            "monitor-corrections",
            0,
            ngettext(
                "set of figures changed since its monitor was fixed",
                "sets of figures changed since their monitor was fixed",
                0,
            ),
            rounds_url,
        )
    ]
    # Only a year's newest edition has its report made: an older one's failure waits for nobody.
    newest = ~Exists(
        MonitorEdition.objects.filter(
            year=OuterRef("edition__year"), number__gt=OuterRef("edition__number")
        )
    )
    failed, jobs = RUNNER.failed(LINK_LIMIT, newest)
    reports = Waiting(
        "monitor-reports",
        failed,
        ngettext(
            "monitor report (PDF) that could not be made",
            "monitor reports (PDF) that could not be made",
            failed,
        ),
        links=tuple(
            Link(
                str(job.edition),
                reverse("monitor:report", kwargs={"year": job.edition.year}) + "#pdf-title",
                job.error,
            )
            for job in jobs
        ),
    )
    return [*to_check, *corrections, reports]
