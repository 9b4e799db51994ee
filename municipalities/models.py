"""Which municipal officers speak for which municipality."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Municipality


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
