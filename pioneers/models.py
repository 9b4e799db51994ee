"""The WijkBV programme: cohorts, applications and their review, the pioneers' tracks, the expert
network and the mengpaneel. Tables, constraints and small properties; no workflows here (state
changes live in ``services.py``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

POSITION_MIN = 0
POSITION_MAX = 100
SCORE_MIN = 1
SCORE_MAX = 5


class Criterion(models.TextChoices):
    """The six criteria an application answers and reviewers score."""

    RESIDENTS = "bewoners", _("Of, for and by residents")
    AMBITION = "ambitie", _("A big ambition")
    FLYWHEEL = "vliegwiel", _("A concrete flywheel plan")
    FEASIBLE = "haalbaar", _("Feasible within three years")
    SUPPORT = "ondersteuning", _("Knows what support it needs")
    HELP_OTHERS = "anderen-helpen", _("Willing to help others")


CRITERION_EXPLANATIONS = {
    Criterion.RESIDENTS: _(
        "The organisation is and stays of, for and by residents: paid staff are allowed, but it "
        "is rooted in the neighbourhood and ownership and control lie with residents."
    ),
    Criterion.AMBITION: _(
        "A big ambition for the neighbourhood and the organisation: really changing its economic "
        "position, with large impact, and financially sustainable."
    ),
    Criterion.FLYWHEEL: _(
        "A concrete plan towards that ambition that works as a flywheel: buy a building, win a "
        "multi-year contract, start an energy co-operative, or something else."
    ),
    Criterion.FEASIBLE: _("The plan is feasible within the three years of the programme."),
    Criterion.SUPPORT: _(
        "The collective can say roughly what support it needs: what knowledge it has and where it "
        "needs help."
    ),
    Criterion.HELP_OTHERS: _(
        "As a pioneer it is willing to help others in the movement with what it learns."
    ),
}


class FlywheelType(models.TextChoices):
    BUY_BUILDING = "gebouw-kopen", _("Buy a building")
    CONTRACT = "meerjarig-contract", _("Win a multi-year contract")
    ENERGY = "energiecooperatie", _("Start an energy co-operative")
    OTHER = "anders", _("Something else")


class Cohort(models.Model):
    """A group of pioneers that goes through the three-year programme together."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    period_start = models.DateField(_("programme starts"))
    period_end = models.DateField(_("programme ends"))
    applications_open = models.DateField(_("applications open"))
    applications_close = models.DateField(
        _("application deadline"), help_text=_("Applications can be submitted up to this day.")
    )
    places = models.PositiveSmallIntegerField(_("places"), default=5)
    description = models.TextField(_("public description"), blank=True)
    rolling_recruitment = models.BooleanField(
        _("rolling recruitment"),
        default=False,
        help_text=_(
            "While the programme runs, new participants can apply after the first deadline."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="cohort_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(applications_close__gte=models.F("applications_open")),
                name="cohort_window_closes_after_opening",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="cohort_has_places"),
        ]

    def __str__(self) -> str:
        return self.name

    def deadline(self, today: date) -> date | None:
        """The last day an application can be submitted, or None when closed."""
        if self.applications_open <= today <= self.applications_close:
            return self.applications_close
        if self.rolling_recruitment and self.period_start <= today <= self.period_end:
            return self.period_end
        return None

    def accepts_applications(self, today: date) -> bool:
        return self.deadline(today) is not None

    def months_into(self, today: date) -> int:
        """Whole months since the start of the programme (0 before it starts)."""
        if today < self.period_start:
            return 0
        end = min(today, self.period_end)
        months = (end.year - self.period_start.year) * 12 + end.month - self.period_start.month
        if end.day < self.period_start.day:
            months -= 1
        return max(months, 0)

    @property
    def length_in_months(self) -> int:
        """The programme's length in whole months (15 January 2024 – 31 December 2026: 36)."""
        return round((self.period_end - self.period_start).days / 30.44)


class Area(models.Model):
    """An area of expertise: vastgoed, onderhandelen, mediation, juridisch, ..."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area of expertise")
        verbose_name_plural = _("areas of expertise")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    DRAFT = "concept", _("Draft")
    SUBMITTED = "ingediend", _("Submitted")
    SELECTED = "geselecteerd", _("Selected")
    DECLINED = "afgewezen", _("Declined")
    WAITING_LIST = "wachtlijst", _("Waiting list")


DECISIONS = (ApplicationStatus.SELECTED, ApplicationStatus.DECLINED, ApplicationStatus.WAITING_LIST)

# Criterion -> the field of Application that holds the answer, in the order of the criteria.
ANSWER_FIELDS = {
    Criterion.RESIDENTS: "answer_residents",
    Criterion.AMBITION: "answer_ambition",
    Criterion.FLYWHEEL: "answer_flywheel",
    Criterion.FEASIBLE: "answer_feasible",
    Criterion.SUPPORT: "answer_support",
    Criterion.HELP_OTHERS: "answer_help_others",
}


class Application(models.Model):
    """A published enterprise applies for a cohort: one answer per criterion."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cohort")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="programme_applications",
        verbose_name=_("enterprise"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    answer_residents = models.TextField(
        _("How are you of, for and by residents, and how do you stay so?"), blank=True
    )
    answer_ambition = models.TextField(
        _("What is your ambition for the neighbourhood and your organisation?"), blank=True
    )
    flywheel_type = models.CharField(
        _("kind of flywheel plan"), max_length=30, choices=FlywheelType.choices, blank=True
    )
    answer_flywheel = models.TextField(
        _("Describe your concrete plan and how it works as a flywheel"), blank=True
    )
    answer_feasible = models.TextField(
        _("Why is the plan feasible within three years?"), blank=True
    )
    answer_support = models.TextField(
        _("What knowledge do you have, and where do you need help?"), blank=True
    )
    willing_to_help = models.BooleanField(
        _("We are willing to help others in the movement"), default=False
    )
    answer_help_others = models.TextField(_("How would you help others?"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("e-mail address of the contact person"), blank=True)
    contact_phone = models.CharField(_("telephone number"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_message = models.TextField(_("message to the applicants"), blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["cohort", "enterprise__name"]
        indexes = [models.Index(fields=["cohort", "status"], name="application_cohort_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "cohort"], name="application_one_per_enterprise_and_cohort"
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} – {self.cohort}"

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    def answers(self) -> list[tuple[str, _StrOrPromise, str]]:
        """(criterion value, criterion label, answer) in the order of the criteria."""
        return [
            (criterion.value, criterion.label, getattr(self, field))
            for criterion, field in ANSWER_FIELDS.items()
        ]


class SupportNeed(models.Model):
    """What support an applicant needs in one area of expertise."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="support_needs",
        verbose_name=_("application"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area of expertise")
    )
    description = models.TextField(_("support needed"))

    class Meta:
        verbose_name = _("support need")
        verbose_name_plural = _("support needs")
        ordering = ["application", "area__order", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "area"], name="supportneed_one_per_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.area}"


class ReviewScore(models.Model):
    """One reviewer's score (1–5) of one criterion of an application. Staff only, ever."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scores", verbose_name=_("application")
    )
    # Scores are the association's record of a decision: an account that scored is never
    # deleted (staff are deactivated, and forgotten as "former staff member": accounts.services).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["application", "reviewer", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "criterion"],
                name="reviewscore_one_per_criterion",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="reviewscore_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_criterion_display()}: {self.score}"


class Pioneer(models.Model):
    """An enterprise in the programme: its track over the three years."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="pioneer_tracks",
        verbose_name=_("enterprise"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="pioneers", verbose_name=_("cohort")
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pioneer",
        verbose_name=_("application"),
    )
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    started_on = models.DateField(_("started on"))
    ambition = models.TextField(_("ambition"), blank=True)
    flywheel_type = models.CharField(
        _("kind of flywheel plan"), max_length=30, choices=FlywheelType.choices, blank=True
    )
    flywheel_plan = models.TextField(_("flywheel plan"), blank=True)
    active = models.BooleanField(_("active in the programme"), default=True)
    show_on_programme_page = models.BooleanField(
        _("show on the programme page"),
        default=False,
        help_text=_("The pioneer agreed that its name and short pitch appear on the public page."),
    )
    show_ambition_publicly = models.BooleanField(
        _("show ambition and flywheel plan publicly"),
        default=False,
        help_text=_("The pioneer agreed that its ambition and plan appear on the public page."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pioneer")
        verbose_name_plural = _("pioneers")
        ordering = ["cohort", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "cohort"], name="pioneer_one_per_enterprise_and_cohort"
            ),
        ]

    def __str__(self) -> str:
        return str(self.enterprise)

    def get_absolute_url(self) -> str:
        return reverse("pioneers:pioneer", kwargs={"slug": self.slug})


class Availability(models.TextChoices):
    AVAILABLE = "beschikbaar", _("Available")
    LIMITED = "beperkt", _("Limited")
    UNAVAILABLE = "niet", _("Not available")


class Expert(models.Model):
    """Someone from the programme's network who supports pioneers in an area of expertise."""

    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    areas = models.ManyToManyField(
        Area, related_name="experts", blank=True, verbose_name=_("areas of expertise")
    )
    availability = models.CharField(
        _("availability"),
        max_length=20,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    availability_note = models.CharField(_("note on availability"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class SupportStatus(models.TextChoices):
    PLANNED = "gepland", _("Planned")
    IN_PROGRESS = "bezig", _("In progress")
    DONE = "afgerond", _("Done")
    CANCELLED = "vervallen", _("Cancelled")


class SupportItem(models.Model):
    """A part of a pioneer's tailor-made support plan, in one area of expertise."""

    pioneer = models.ForeignKey(
        Pioneer, on_delete=models.CASCADE, related_name="support_items", verbose_name=_("pioneer")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area of expertise")
    )
    description = models.CharField(_("what"), max_length=250)
    expert = models.ForeignKey(
        Expert,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_items",
        verbose_name=_("expert"),
    )
    hours_planned = models.PositiveSmallIntegerField(_("hours planned"), default=0)
    hours_spent = models.PositiveSmallIntegerField(_("hours spent"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=SupportStatus.choices, default=SupportStatus.PLANNED
    )

    class Meta:
        verbose_name = _("support plan item")
        verbose_name_plural = _("support plan items")
        ordering = ["pioneer", "area__order", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def over_budget(self) -> bool:
        return self.hours_spent > self.hours_planned


class MilestoneStatus(models.TextChoices):
    PLANNED = "gepland", _("Planned")
    IN_PROGRESS = "bezig", _("In progress")
    ACHIEVED = "behaald", _("Achieved")
    DELAYED = "vertraagd", _("Delayed")
    DROPPED = "vervallen", _("Dropped")


OPEN_MILESTONE_STATUSES = (
    MilestoneStatus.PLANNED,
    MilestoneStatus.IN_PROGRESS,
    MilestoneStatus.DELAYED,
)


class Milestone(models.Model):
    """A step on the way to the ambition, with a due date and the evidence once achieved."""

    pioneer = models.ForeignKey(
        Pioneer, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("pioneer")
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PLANNED,
    )
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("What shows that it was achieved.")
    )
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["pioneer", "due_date", "pk"]
        indexes = [models.Index(fields=["pioneer", "status", "due_date"], name="milestone_state")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """An achieved milestone without a date was achieved today (the form, the admin and
        ``services.save_milestone`` all validate through here)."""
        if self.status == MilestoneStatus.ACHIEVED and not self.achieved_on:
            self.achieved_on = timezone.localdate()

    def is_late(self, today: date) -> bool:
        return self.status in OPEN_MILESTONE_STATUSES and self.due_date < today


class LogKind(models.TextChoices):
    MEETING = "overleg", _("Meeting")
    INTERVIEW = "interview", _("Interview")
    NOTE = "notitie", _("Note")


class Visibility(models.TextChoices):
    INTERNAL = "intern", _("Internal (staff only)")
    SHARED = "gedeeld", _("Shared with the pioneer")


class LogEntry(models.Model):
    """A meeting, interview or note in a pioneer's log; internal or shared with the pioneer."""

    pioneer = models.ForeignKey(
        Pioneer, on_delete=models.CASCADE, related_name="log_entries", verbose_name=_("pioneer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LogKind.choices)
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["pioneer", "visibility", "-date"], name="logentry_pioneer_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Lesson(models.Model):
    """A lesson learned by a pioneer; once published, the knowledge base may show it."""

    pioneer = models.ForeignKey(
        Pioneer, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("pioneer")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["published", "-published_at"], name="lesson_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False),
                name="lesson_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- The mengpaneel --------------------------------------------------------------------------


class Element(models.Model):
    """A fader of the mengpaneel: in the catalogue (no pioneer) or one pioneer's own extra."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    low_meaning = models.CharField(_("what the low end means"), max_length=200)
    high_meaning = models.CharField(_("what the high end means"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    pioneer = models.ForeignKey(
        Pioneer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="extra_elements",
        verbose_name=_("only for pioneer"),
        help_text=_("Empty: in the catalogue, every pioneer has it."),
    )

    class Meta:
        verbose_name = _("mengpaneel element")
        verbose_name_plural = _("mengpaneel elements")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(pioneer__isnull=True),
                name="element_catalogue_slug_unique",
            ),
            models.UniqueConstraint(fields=["pioneer", "slug"], name="element_pioneer_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Reading(models.Model):
    """The mengpaneel of one pioneer on one date. Never overwritten: the history is the point."""

    pioneer = models.ForeignKey(
        Pioneer, on_delete=models.CASCADE, related_name="readings", verbose_name=_("pioneer")
    )
    taken_on = models.DateField(_("date"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mengpaneel reading")
        verbose_name_plural = _("mengpaneel readings")
        ordering = ["pioneer", "taken_on", "pk"]
        indexes = [models.Index(fields=["pioneer", "-taken_on"], name="reading_pioneer_date")]

    def __str__(self) -> str:
        return f"{self.pioneer} {self.taken_on}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A mengpaneel reading is never changed; record a new one.")
        super().save(*args, **kwargs)


class ReadingValue(models.Model):
    """Where one fader stood in a reading (0–100), with an optional note."""

    reading = models.ForeignKey(
        Reading, on_delete=models.CASCADE, related_name="values", verbose_name=_("reading")
    )
    element = models.ForeignKey(
        Element, on_delete=models.PROTECT, related_name="values", verbose_name=_("element")
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        validators=[MinValueValidator(POSITION_MIN), MaxValueValidator(POSITION_MAX)],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fader position")
        verbose_name_plural = _("fader positions")
        ordering = ["reading", "element__order", "element__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["reading", "element"], name="readingvalue_one_per_element"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=POSITION_MIN, position__lte=POSITION_MAX),
                name="readingvalue_position_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.position}"
