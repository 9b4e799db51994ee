"""The monitor's tables: reporting rounds with who was invited and reminded, the published
editions of a year's monitor, and the monitor report's PDF jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import FIRST_YEAR, LAST_YEAR, Enterprise
from lsa_portal.pdf_jobs import RenderJob
from lsa_portal.validators import YearModelField

DEFAULT_REMINDER_DAYS = (14, 3)


def _year_field(label):
    return YearModelField(label, first=FIRST_YEAR, last=LAST_YEAR)


class ReportingRound(models.Model):
    """Staff ask every published enterprise for its figures over ``year``, before a deadline.
    Closing the round fixes the year's monitor (its first edition)."""

    year = _year_field(_("year"))
    deadline = models.DateField(_("deadline"))
    reminder_days = models.CharField(
        _("reminders (days before the deadline)"),
        max_length=50,
        default=",".join(str(days) for days in DEFAULT_REMINDER_DAYS),
        help_text=_("Comma-separated, for example 14,3."),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["year"], name="round_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="round_year_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reporting round %(year)s") % {"year": self.year})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def deadline_passed(self) -> bool:
        return timezone.localdate() > self.deadline

    @property
    def reminders(self) -> list[int]:
        """The reminder days, largest first ([14, 3])."""
        days = {int(part) for part in self.reminder_days.split(",") if part.strip().isdigit()}
        return sorted(days, reverse=True)


class RoundInvitation(models.Model):
    """An enterprise asked to report in a round: together they are the population of the
    round's response rate."""

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("reporting round"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="round_invitations",
        verbose_name=_("enterprise"),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("addresses mailed"), default=0)

    class Meta:
        verbose_name = _("invitation to report")
        verbose_name_plural = _("invitations to report")
        ordering = ["round", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["round", "enterprise"], name="round_invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.enterprise}"


class RoundReminder(models.Model):
    """A reminder sent to an enterprise that had not reported: never the same one twice."""

    round = models.ForeignKey(
        ReportingRound,
        on_delete=models.CASCADE,
        related_name="reminders_sent",
        verbose_name=_("reporting round"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="round_reminders",
        verbose_name=_("enterprise"),
    )
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["round", "-days_before", "enterprise"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "enterprise", "days_before"], name="round_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.enterprise} · {self.days_before}"


class MonitorEdition(models.Model):
    """A year's monitor as published and fixed: the figures as they were computed then. The
    first edition is made when the year's round closes; a later correction is a new edition
    with a note that says what changed."""

    year = _year_field(_("year"))
    number = models.PositiveSmallIntegerField(_("edition"), default=1)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    note = models.TextField(_("what was corrected"), blank=True)
    population = models.PositiveIntegerField(_("enterprises invited"), null=True, blank=True)
    data = models.JSONField(_("figures"), default=dict, editable=False)

    class Meta:
        verbose_name = _("monitor edition")
        verbose_name_plural = _("monitor editions")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="monitor_edition_once"),
        ]

    def __str__(self) -> str:
        return str(
            _("Monitor %(year)s, edition %(number)s") % {"year": self.year, "number": self.number}
        )

    @property
    def is_correction(self) -> bool:
        return self.number > 1


def upload_monitor_report(instance, filename: str) -> str:
    return f"monitor/rapporten/{filename}"


class ReportJob(RenderJob):
    """The PDF report 'Monitor wijkondernemingen <year>' of one edition, rendered by a Celery
    worker (``monitor.report``; the life of the job is ``lsa_portal.pdf_jobs``)."""

    edition = models.ForeignKey(
        MonitorEdition,
        on_delete=models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("monitor edition"),
    )
    file = models.FileField(_("PDF file"), upload_to=upload_monitor_report, blank=True)

    class Meta(RenderJob.Meta):
        verbose_name = _("monitor report")
        verbose_name_plural = _("monitor reports")

    def __str__(self) -> str:
        return f"{self.edition} ({self.get_status_display()})"
