"""Which municipal officers speak for which municipality."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Municipality
from lsa_portal.pdf_jobs import RenderJob


class LinkStatus(models.TextChoices):
    REQUESTED = "aangevraagd", _("Requested")
    APPROVED = "goedgekeurd", _("Approved")
    REJECTED = "afgewezen", _("Rejected")


class OfficerLink(models.Model):
    """A municipal officer's link to a municipality: requested by the officer, decided by staff.

    Only an approved link shows contact persons and opens the data downloads. The e-mail domain
    is a hint for staff (``domain_matches``), never a reason to approve on its own.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipality_links",
        verbose_name=_("officer"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="officer_links",
        verbose_name=_("municipality"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LinkStatus.choices, default=LinkStatus.REQUESTED
    )
    job_title = models.CharField(_("job title"), max_length=150)
    motivation = models.TextField(_("motivation"), max_length=2000, blank=True)
    domain_matches = models.BooleanField(
        _("e-mail address on the municipality's domain"), default=False
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("officer link")
        verbose_name_plural = _("officer links")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="officerlink_one_per_municipality"
            ),
            models.CheckConstraint(
                condition=Q(status=LinkStatus.REQUESTED) | Q(decided_at__isnull=False),
                name="officerlink_decision_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="officerlink_status")]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_status_display()})"


def upload_brief(instance, filename: str) -> str:
    return f"gemeenten/briefs/{filename}"


class BriefJob(RenderJob):
    """One request for a municipality's brief (PDF), rendered by a Celery worker
    (``municipalities.brief``; the life of the job is ``lsa_portal.pdf_jobs``): a fingerprint of
    the input lets an unchanged municipality reuse the file of a done job."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="brief_jobs",
        verbose_name=_("municipality"),
    )
    file = models.FileField(_("PDF file"), upload_to=upload_brief, blank=True)

    class Meta(RenderJob.Meta):
        verbose_name = _("municipal brief")
        verbose_name_plural = _("municipal briefs")

    def __str__(self) -> str:
        return f"{self.municipality} ({self.get_status_display()})"


class Follower(models.Model):
    """Someone who receives the monthly digest of a municipality.

    An officer follows with their (verified) account; anyone else by e-mail with double opt-in
    (``lsa_portal.optin``): nothing is sent before ``confirmed_at``. The links in the mails are
    signed; ``legacy_token`` is the random token the links of mails sent before that carry.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="followers",
        verbose_name=_("municipality"),
    )
    email = models.EmailField(_("e-mail address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followed_municipalities",
        verbose_name=_("user"),
    )
    # Accepted for a transition (links in digests already sent); new sign-ups have none.
    legacy_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_period = models.DateField(
        _("last digest over the month of"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["municipality", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email"], name="follower_one_per_address"
            ),
        ]
        indexes = [models.Index(fields=["confirmed_at"], name="follower_confirmed")]

    def __str__(self) -> str:
        return f"{self.email} → {self.municipality}"
