"""Everything a page of the programme reads, in a number of queries that does not grow with the
readings, milestones and log entries. The knowledge base may call ``published_lessons()``."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    Avg,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises.models import Enterprise, EnterpriseStatus, Membership
from lsa_portal.waiting import Waiting

from . import mengpaneel, permissions
from .models import (
    OPEN_MILESTONE_STATUSES,
    Application,
    ApplicationStatus,
    Area,
    Cohort,
    Criterion,
    Element,
    Expert,
    Lesson,
    LogEntry,
    LogKind,
    Milestone,
    MilestoneStatus,
    Pioneer,
    Reading,
    ReadingValue,
    ReviewScore,
    SupportItem,
    SupportStatus,
    Visibility,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model
    from django.utils.functional import _StrOrPromise

    from accounts.models import User

    from .models import SupportNeed

LOG_ON_PAGE = 15
LOG_PAGE_SIZE = 30
NO_CONTACT_DAYS = 60
NO_READING_DAYS = 120


SLUG = re.compile(r"[-a-zA-Z0-9_]+")
FRAGMENTS = "pioneers"  # the fragment-cache namespace of the staff and pioneer pages


def fragment_identity(kind: str, *parts: object) -> str:
    """What a cached fragment depends on; callers include who may see it (staff or member)
    and the day, so no one is ever served a fragment meant for another role."""
    return ":".join([kind, *(str(part) for part in parts)])


# --- Cohorts and the public page ------------------------------------------------------------------


def cohorts() -> list[Cohort]:
    return list(Cohort.objects.all())


def open_cohorts(today: date) -> list[Cohort]:
    """Cohorts that accept applications today (within the window, or by rolling recruitment)."""
    candidates = Cohort.objects.filter(
        Q(applications_open__lte=today, applications_close__gte=today)
        | Q(rolling_recruitment=True, period_start__lte=today, period_end__gte=today)
    )
    return [cohort for cohort in candidates if cohort.accepts_applications(today)]


def current_cohort(today: date) -> Cohort | None:
    """The cohort running today, else the most recent one that started, else the next one."""
    running = Cohort.objects.filter(period_start__lte=today, period_end__gte=today).first()
    if running:
        return running
    started = Cohort.objects.filter(period_start__lte=today).order_by("-period_start").first()
    return started or Cohort.objects.order_by("period_start").first()


def clean_slug(value: str | None) -> str | None:
    """A slug from the address bar, or None for anything else (PostgreSQL refuses NUL bytes
    in a query, so nothing typed reaches it unchecked)."""
    value = (value or "")[:100]
    return value if SLUG.fullmatch(value) else None


def cohort_by_slug_or_current(slug: str | None, today: date) -> Cohort | None:
    slug = clean_slug(slug)
    if slug:
        found = Cohort.objects.filter(slug=slug).first()
        if found:
            return found
    return current_cohort(today)


@dataclass
class ProgrammePage:
    cohort: Cohort | None
    open_cohorts: list[Cohort]
    pioneers: list[Pioneer]
    lessons: list[Lesson]
    criteria: list[tuple[str, _StrOrPromise, _StrOrPromise]]


def published_lessons() -> QuerySet[Lesson]:
    """Published lessons learned, newest first: what the knowledge base may pick up."""
    return (
        Lesson.objects.filter(published=True)
        .select_related("pioneer__enterprise")
        .order_by("-published_at", "-pk")
    )


def programme_page(today: date) -> ProgrammePage:
    """The public programme page: only pioneers that agreed to be shown, published lessons."""
    from .models import CRITERION_EXPLANATIONS

    pioneers = list(
        Pioneer.objects.filter(
            show_on_programme_page=True,
            active=True,
            enterprise__status=EnterpriseStatus.PUBLISHED,
            cohort__period_end__gte=today - timedelta(days=365),
        )
        .select_related("enterprise__municipality", "cohort")
        .order_by("enterprise__name")
    )
    return ProgrammePage(
        cohort=current_cohort(today),
        open_cohorts=open_cohorts(today),
        pioneers=pioneers,
        lessons=list(published_lessons()[:10]),
        criteria=[(c.value, c.label, CRITERION_EXPLANATIONS[c]) for c in Criterion],
    )


# --- Applying -------------------------------------------------------------------------------------


@dataclass
class ApplyPage:
    enterprises: list[Enterprise]
    open_cohorts: list[Cohort]
    applications: list[Application]


def apply_page(user: User, today: date) -> ApplyPage:
    """The published enterprises a resident keeps, the open cohorts, and their applications."""
    memberships = Membership.objects.filter(user=user).select_related("enterprise")
    enterprises = [m.enterprise for m in memberships]
    applications = list(
        Application.objects.filter(enterprise__in=[e.pk for e in enterprises])
        .select_related("enterprise", "cohort")
        .order_by("-cohort__period_start", "enterprise__name")
    )
    return ApplyPage(
        enterprises=[e for e in enterprises if e.is_published],
        open_cohorts=open_cohorts(today),
        applications=applications,
    )


def application_with_details(pk: int) -> Application:
    found = (
        Application.objects.select_related("enterprise__municipality", "cohort")
        .prefetch_related(Prefetch("support_needs", queryset=_needs()))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _needs() -> QuerySet[SupportNeed]:
    from .models import SupportNeed

    return SupportNeed.objects.select_related("area").order_by("area__order", "area__name")


def areas() -> list[Area]:
    return list(Area.objects.all())


# --- Review (staff only) --------------------------------------------------------------------------


def review_list(cohort: Cohort | None, reviewer: User) -> list[Application]:
    """Submitted and decided applications of a cohort with their average score, how many
    reviewers scored them, and whether this reviewer did."""
    if cohort is None:
        return []
    return list(
        Application.objects.filter(cohort=cohort)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("enterprise__municipality")
        .annotate(
            average=Avg("scores__score"),
            reviewers=Count("scores__reviewer", distinct=True),
            mine=Count("scores", filter=Q(scores__reviewer=reviewer)),
        )
        .order_by("status", "enterprise__name")
    )


def waiting_for_staff() -> list[Waiting]:
    """Submitted applications that wait for a decision, per cohort, newest cohort first (one
    query); one item without a count when none wait."""
    review_list_url = reverse("pioneers:review_list")
    per_cohort = (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED)
        .values("cohort__slug", "cohort__name", "cohort__period_start")
        .annotate(n=Count("pk"))
        .order_by("-cohort__period_start", "cohort__name")
    )
    waiting = [
        Waiting(
            f"pioneers-applications-{row['cohort__slug']}",
            row["n"],
            ngettext(
                "programme application to assess for %(cohort)s",
                "programme applications to assess for %(cohort)s",
                row["n"],
            )
            % {"cohort": row["cohort__name"]},
            f"{review_list_url}?{urlencode({'cohort': row['cohort__slug']})}",
        )
        for row in per_cohort
    ]
    return waiting or [
        Waiting(
            "pioneers-applications",
            0,
            ngettext("programme application to assess", "programme applications to assess", 0),
            review_list_url,
        )
    ]


@dataclass
class ScoreRow:
    criterion: str
    label: _StrOrPromise
    answer: str
    cells: list[ReviewScore | None]
    average: float | None


@dataclass
class ScoreTable:
    reviewers: list[User]
    rows: list[ScoreRow]
    overall: float | None


def score_table(application: Application) -> ScoreTable:
    """The reviewers' scores side by side: a row per criterion, a column per reviewer."""
    scores = list(
        ReviewScore.objects.filter(application=application)
        .select_related("reviewer")
        .order_by("reviewer__email")
    )
    reviewers, seen = [], set()
    for score in scores:
        if score.reviewer_id not in seen:
            seen.add(score.reviewer_id)
            reviewers.append(score.reviewer)
    by_cell = {(s.criterion, s.reviewer_id): s for s in scores}
    rows = []
    for value, label, answer in application.answers():
        cells = [by_cell.get((value, reviewer.pk)) for reviewer in reviewers]
        numbers = [cell.score for cell in cells if cell]
        rows.append(
            ScoreRow(
                criterion=value,
                label=label,
                answer=answer,
                cells=cells,
                average=round(sum(numbers) / len(numbers), 1) if numbers else None,
            )
        )
    every = [s.score for s in scores]
    overall = round(sum(every) / len(every), 1) if every else None
    return ScoreTable(reviewers=reviewers, rows=rows, overall=overall)


def my_scores(application: Application, reviewer: User) -> dict[str, ReviewScore]:
    return {
        s.criterion: s
        for s in ReviewScore.objects.filter(application=application, reviewer=reviewer)
    }


# --- The mengpaneel -------------------------------------------------------------------------------


def elements_for(pioneer: Pioneer) -> list[Element]:
    """The active faders of a pioneer's mengpaneel: the catalogue, then its own extras."""
    return list(
        Element.objects.filter(Q(pioneer__isnull=True) | Q(pioneer=pioneer), active=True).order_by(
            F("pioneer_id").asc(nulls_first=True), "order", "name"
        )
    )


def catalogue() -> list[Element]:
    return list(Element.objects.filter(pioneer__isnull=True).order_by("order", "name"))


def latest_readings(pioneer: Pioneer, count: int = 2) -> list[Reading]:
    """The ``count`` most recent readings, newest first, with their values (two queries)."""
    return list(
        Reading.objects.filter(pioneer=pioneer)
        .select_related("taken_by")
        .prefetch_related(Prefetch("values", queryset=ReadingValue.objects.order_by()))
        .order_by("-taken_on", "-pk")[:count]
    )


def positions_of(reading: Reading | None) -> dict[int, ReadingValue]:
    if reading is None:
        return {}
    return {value.element_id: value for value in reading.values.all()}


# --- Staff dashboard ------------------------------------------------------------------------------


@dataclass
class DashboardRow:
    pioneer: Pioneer
    months: int
    achieved: int
    late: int
    open: int
    last_contact: date | None
    last_reading: date | None
    over_budget: int
    desk: object
    attention: list[str] = field(default_factory=list)


@dataclass
class Dashboard:
    cohort: Cohort | None
    cohorts: list[Cohort]
    rows: list[DashboardRow]
    elements: list[Element]
    today: date

    @property
    def months(self) -> int:
        return self.cohort.months_into(self.today) if self.cohort else 0


# ``model`` is one of the track's models; django-stubs give Model itself no ``objects``.
def _subquery_count(model: type[Model], condition: Q) -> Coalesce:
    return Coalesce(
        Subquery(
            model.objects.filter(condition, pioneer=OuterRef("pk"))  # type: ignore[attr-defined]
            .order_by()
            .values("pioneer")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _subquery_latest(model: type[Model], field_name: str, condition: Q = Q()) -> Subquery:  # noqa: B008
    return Subquery(
        model.objects.filter(condition, pioneer=OuterRef("pk"))  # type: ignore[attr-defined]
        .order_by()
        .values("pioneer")
        .annotate(latest=Max(field_name))
        .values("latest")[:1]
    )


def _latest_reading_id() -> Subquery:
    return Subquery(
        Reading.objects.filter(pioneer=OuterRef("pk")).order_by("-taken_on", "-pk").values("pk")[:1]
    )


def dashboard(cohort: Cohort | None, today: date) -> Dashboard:
    """All pioneers of a cohort at a glance, in a fixed number of queries: counts and dates by
    subqueries, the latest reading of every pioneer in one query."""
    cohorts = list(Cohort.objects.all())
    if cohort is None:
        return Dashboard(cohort=None, cohorts=cohorts, rows=[], elements=[], today=today)
    pioneers = list(
        Pioneer.objects.filter(cohort=cohort)
        .select_related("enterprise", "cohort")
        .annotate(
            achieved_count=_subquery_count(Milestone, Q(status=MilestoneStatus.ACHIEVED)),
            late_count=_subquery_count(
                Milestone, Q(status__in=OPEN_MILESTONE_STATUSES, due_date__lt=today)
            ),
            open_count=_subquery_count(Milestone, Q(status__in=OPEN_MILESTONE_STATUSES)),
            over_budget_count=_subquery_count(
                SupportItem,
                Q(hours_spent__gt=F("hours_planned")) & ~Q(status=SupportStatus.CANCELLED),
            ),
            last_contact=_subquery_latest(
                LogEntry, "date", Q(kind__in=[LogKind.MEETING, LogKind.INTERVIEW])
            ),
            last_reading=_subquery_latest(Reading, "taken_on"),
            latest_reading_id=_latest_reading_id(),
        )
        .order_by("-active", "enterprise__name")
    )
    reading_ids = [p.latest_reading_id for p in pioneers if p.latest_reading_id]
    values: defaultdict[int, dict[int, int]] = defaultdict(dict)
    for value in ReadingValue.objects.filter(reading_id__in=reading_ids).select_related("reading"):
        values[value.reading.pioneer_id][value.element_id] = value.position
    elements = list(
        Element.objects.filter(
            Q(pioneer__isnull=True) | Q(pioneer__in=[p.pk for p in pioneers]), active=True
        ).order_by(F("pioneer_id").asc(nulls_first=True), "order", "name")
    )
    rows = []
    for pioneer in pioneers:
        own = [e for e in elements if e.pioneer_id in (None, pioneer.pk)]
        desk = mengpaneel.mini_desk(own, values.get(pioneer.pk, {}), pioneer.enterprise.name)
        row = DashboardRow(
            pioneer=pioneer,
            months=cohort.months_into(today),
            achieved=pioneer.achieved_count,
            late=pioneer.late_count,
            open=pioneer.open_count,
            last_contact=pioneer.last_contact,
            last_reading=pioneer.last_reading,
            over_budget=pioneer.over_budget_count,
            desk=desk,
        )
        row.attention = attention(row, today)
        rows.append(row)
    return Dashboard(
        cohort=cohort,
        cohorts=cohorts,
        rows=rows,
        elements=[e for e in elements if e.pioneer_id is None],
        today=today,
    )


def attention(row: DashboardRow, today: date) -> list[str]:
    """What a programme manager should look at for this pioneer, most urgent first."""
    if not row.pioneer.active:
        return []
    items = []
    if row.late:
        items.append(
            ngettext(
                "%(count)d milestone past the due date",
                "%(count)d milestones past the due date",
                row.late,
            )
            % {"count": row.late}
        )
    if row.last_contact is None:
        items.append(_("no meeting or interview recorded yet"))
    elif (today - row.last_contact).days > NO_CONTACT_DAYS:
        days = (today - row.last_contact).days
        items.append(
            ngettext("no contact for %(days)d day", "no contact for %(days)d days", days)
            % {"days": days}
        )
    if row.last_reading is None:
        items.append(_("no mengpaneel reading yet"))
    elif (today - row.last_reading).days > NO_READING_DAYS:
        items.append(_("last mengpaneel reading is more than four months old"))
    if row.over_budget:
        items.append(
            ngettext(
                "%(count)d support item over the planned hours",
                "%(count)d support items over the planned hours",
                row.over_budget,
            )
            % {"count": row.over_budget}
        )
    return items


# --- One pioneer ----------------------------------------------------------------------------------


def pioneer_by_slug(slug: str) -> Pioneer:
    found = (
        Pioneer.objects.select_related("enterprise__municipality", "cohort", "application")
        .filter(slug=slug)
        .first()
    )
    if found is None:
        raise Http404
    return found


def visible_log(pioneer: Pioneer, user: User | AnonymousUser) -> QuerySet[LogEntry]:
    """The log as this user may see it: staff everything, the pioneer's members only shared."""
    entries = LogEntry.objects.filter(pioneer=pioneer).select_related("author")
    if not permissions.can_see_internal(user):
        entries = entries.filter(visibility=Visibility.SHARED)
    return entries.order_by("-date", "-pk")


def visible_lessons(pioneer: Pioneer, user: User | AnonymousUser) -> QuerySet[Lesson]:
    lessons = Lesson.objects.filter(pioneer=pioneer)
    if not permissions.can_see_internal(user):
        lessons = lessons.filter(published=True)
    return lessons.order_by("-created_at", "-pk")


@dataclass
class PioneerPage:
    pioneer: Pioneer
    months: int
    elements: list[Element]
    latest: Reading | None
    previous: Reading | None
    desk: object
    milestones: list[Milestone]
    achieved: int
    late: int
    support_items: list[SupportItem]
    hours_planned: int
    hours_spent: int
    log: list[LogEntry]
    log_total: int
    lessons: list[Lesson]
    internal: bool


def pioneer_page(pioneer: Pioneer, user: User | AnonymousUser, today: date) -> PioneerPage:
    """One pioneer's track: staff see everything, its members the shared parts (the log without
    internal entries, only published lessons). The log shows the newest entries (the whole log
    is paginated), so the queries stay the same."""
    internal = permissions.can_see_internal(user)
    elements = elements_for(pioneer)
    readings = latest_readings(pioneer, 2)
    latest = readings[0] if readings else None
    previous = readings[1] if len(readings) > 1 else None
    milestones = list(Milestone.objects.filter(pioneer=pioneer).order_by("due_date", "pk"))
    support_items = list(
        SupportItem.objects.filter(pioneer=pioneer)
        .select_related("area", "expert")
        .order_by("area__order", "area__name", "pk")
    )
    log = list(visible_log(pioneer, user)[: LOG_ON_PAGE + 1])
    return PioneerPage(
        pioneer=pioneer,
        months=pioneer.cohort.months_into(today),
        elements=elements,
        latest=latest,
        previous=previous,
        desk=mengpaneel.desk_for(
            elements, latest, previous, _("Mengpaneel of %(name)s") % {"name": pioneer}
        ),
        milestones=milestones,
        achieved=sum(1 for m in milestones if m.status == MilestoneStatus.ACHIEVED),
        late=sum(1 for m in milestones if m.is_late(today)),
        support_items=support_items,
        hours_planned=sum(item.hours_planned for item in support_items),
        hours_spent=sum(item.hours_spent for item in support_items),
        log=log[:LOG_ON_PAGE],
        log_total=LOG_ON_PAGE + 1 if len(log) > LOG_ON_PAGE else len(log),
        lessons=list(visible_lessons(pioneer, user)),
        internal=internal,
    )


@dataclass
class History:
    pioneer: Pioneer
    readings: list[Reading]
    rows: list[mengpaneel.ElementHistory]


def history(pioneer: Pioneer, today: date) -> History:
    """Every reading of a pioneer with each element's movement over the programme (three
    queries whatever the number of readings)."""
    readings = list(
        Reading.objects.filter(pioneer=pioneer)
        .select_related("taken_by")
        .prefetch_related(Prefetch("values", queryset=ReadingValue.objects.order_by()))
        .order_by("taken_on", "pk")
    )
    used = {value.element_id for reading in readings for value in reading.values.all()}
    elements = [
        e
        for e in Element.objects.filter(Q(pioneer__isnull=True) | Q(pioneer=pioneer)).order_by(
            F("pioneer_id").asc(nulls_first=True), "order", "name"
        )
        if e.active or e.pk in used
    ]
    for reading in readings:
        by_element = {value.element_id: value for value in reading.values.all()}
        # A row of the history table, for the template.
        reading.cells = [by_element.get(element.pk) for element in elements]  # type: ignore[attr-defined]
    return History(
        pioneer=pioneer,
        readings=readings,
        rows=mengpaneel.element_histories(
            elements, readings, pioneer.cohort.period_start, pioneer.cohort.period_end, today
        ),
    )


@dataclass
class Comparison:
    element: Element
    cohort: Cohort | None
    cohorts: list[Cohort]
    elements: list[Element]
    desk: object
    rows: list[mengpaneel.PioneerMovement]


def comparison(element: Element, cohort: Cohort | None, today: date) -> Comparison:
    """All pioneers of a cohort on one element: where each stands now and how it moved."""
    pioneers = (
        list(
            Pioneer.objects.filter(cohort=cohort)
            .select_related("enterprise")
            .order_by("enterprise__name")
        )
        if cohort
        else []
    )
    values = (
        ReadingValue.objects.filter(element=element, reading__pioneer__in=[p.pk for p in pioneers])
        .select_related("reading")
        .order_by("reading__taken_on", "reading__pk")
    )
    by_pioneer = defaultdict(list)
    for value in values:
        by_pioneer[value.reading.pioneer_id].append(value)
    start, end = (cohort.period_start, cohort.period_end) if cohort else (today, today)
    rows = [
        mengpaneel.pioneer_movement(p, element, by_pioneer.get(p.pk, []), start, end, today)
        for p in pioneers
    ]
    desk = mengpaneel.comparison_desk(element, rows)
    return Comparison(
        element=element,
        cohort=cohort,
        cohorts=list(Cohort.objects.all()),
        elements=catalogue(),
        desk=desk,
        rows=rows,
    )


# --- Expert network -------------------------------------------------------------------------------


def expert_search(area_slug: str | None, text: str | None) -> tuple[list[Expert], Area | None]:
    """Experts, optionally in one area and matching a name or organisation, with how many
    running support items each has."""
    experts = Expert.objects.prefetch_related("areas").annotate(
        running=Count(
            "support_items",
            filter=Q(support_items__status__in=[SupportStatus.PLANNED, SupportStatus.IN_PROGRESS]),
            distinct=True,
        )
    )
    area_slug = clean_slug(area_slug)
    area = Area.objects.filter(slug=area_slug).first() if area_slug else None
    if area:
        experts = experts.filter(areas=area)
    text = (text or "").replace("\x00", "").strip()[:100]
    if text:
        experts = experts.filter(Q(name__icontains=text) | Q(organisation__icontains=text))
    return list(experts.order_by("-active", "name")), area


def expert_with_support(pk: int) -> Expert:
    found = (
        Expert.objects.prefetch_related(
            "areas",
            Prefetch(
                "support_items",
                queryset=SupportItem.objects.select_related(
                    "pioneer__enterprise", "pioneer__cohort", "area"
                ).order_by("pioneer__enterprise__name", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found
