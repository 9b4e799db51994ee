"""The portal's own tables: the audit log. It knows no app: its target is any object."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """The sensitive actions the audit log records."""

    ENTERPRISE_SUBMITTED = "enterprise.submitted", _("Enterprise submitted for review")
    ENTERPRISE_PUBLISHED = "enterprise.published", _("Enterprise published")
    ENTERPRISE_REJECTED = "enterprise.rejected", _("Enterprise rejected")
    ENTERPRISE_ARCHIVED = "enterprise.archived", _("Enterprise archived")
    ENTERPRISE_PROFILE_CHANGED = "enterprise.profile_changed", _("Enterprise profile changed")
    ASSET_ADDED = "asset.added", _("Asset added")
    ASSET_CHANGED = "asset.changed", _("Asset changed")
    ASSET_REMOVED = "asset.removed", _("Asset removed")
    MEMBER_INVITED = "member.invited", _("Member invited")
    INVITATION_WITHDRAWN = "member.invitation_withdrawn", _("Invitation withdrawn")
    MEMBER_JOINED = "member.joined", _("Member joined")
    MEMBER_REMOVED = "member.removed", _("Member removed")
    MEMBER_ROLE_CHANGED = "member.role_changed", _("Member's role changed")
    APPLICATION_DECIDED = "programme.decided", _("Programme decision")
    READING_RECORDED = "programme.reading", _("Mengpaneel reading recorded")
    TRACK_CHANGED = "programme.track_changed", _("Pioneer's track changed")
    LOG_ENTRY_ADDED = "programme.log_entry_added", _("Log entry added")
    MILESTONE_ADDED = "programme.milestone_added", _("Milestone added")
    MILESTONE_CHANGED = "programme.milestone_changed", _("Milestone changed")
    SUPPORT_ITEM_ADDED = "programme.support_added", _("Support plan item added")
    SUPPORT_ITEM_CHANGED = "programme.support_changed", _("Support plan item changed")
    LESSON_ADDED = "programme.lesson_added", _("Lesson learned added")
    LESSON_PUBLISHED = "programme.lesson_published", _("Lesson learned published")
    LESSON_UNPUBLISHED = "programme.lesson_unpublished", _("Lesson learned withdrawn")
    ELEMENT_ADDED = "programme.element_added", _("Mengpaneel element added")
    ROLES_CHANGED = "account.roles_changed", _("Roles changed")
    OFFICER_LINK_REQUESTED = "account.officer_link_requested", _("Officer link requested")
    OFFICER_LINK_DECIDED = "account.officer_link_decided", _("Officer link decided")
    DATA_EXPORTED = "data.exported", _("Data exported")
    PERSONAL_DATA_EXPORTED = "account.data_exported", _("Personal data downloaded")
    ACCOUNT_DELETED = "account.deleted", _("Account deleted")
    ACCOUNT_FORGOTTEN = "account.forgotten", _("Account emptied (former staff member)")
    ACCOUNT_DEACTIVATED = "account.deactivated", _("Account deactivated")
    FILE_DOWNLOADED = "file.downloaded", _("Non-public file downloaded")
    RETENTION_APPLIED = "retention.applied", _("Retention rule applied")
    FIGURES_CHECKED = "figures.checked", _("Flagged figures checked")
    ROUND_OPENED = "monitor.round_opened", _("Reporting round opened")
    ROUND_CLOSED = "monitor.round_closed", _("Reporting round closed")
    MONITOR_FIXED = "monitor.fixed", _("Monitor fixed")
    MONITOR_CORRECTED = "monitor.corrected", _("Monitor corrected")
    MONITOR_REPORT_PUBLISHED = "monitor.report_published", _("Monitor report published")
    DATA_IMPORTED = "data.imported", _("Data imported")
    DIGEST_FOLLOWED = "digest.followed", _("Municipality followed")
    DIGEST_CONFIRMED = "digest.confirmed", _("Following confirmed")
    DIGEST_UNFOLLOWED = "digest.unfollowed", _("Municipality unfollowed")
    KNOWLEDGE_PUBLISHED = "knowledge.published", _("Knowledge item published")
    KNOWLEDGE_UNPUBLISHED = "knowledge.unpublished", _("Knowledge item taken back to draft")
    APPLICATION_STARTED = "programme.application_started", _("Application started")
    APPLICATION_SAVED = "programme.application_saved", _("Application draft saved")
    APPLICATION_SUBMITTED = "programme.application_submitted", _("Application submitted")
    APPLICATION_SCORED = "programme.application_scored", _("Application scored")
    LOG_ENTRY_CHANGED = "programme.log_entry_changed", _("Log entry changed")
    LOG_ENTRY_REMOVED = "programme.log_entry_removed", _("Log entry removed")
    MILESTONE_REMOVED = "programme.milestone_removed", _("Milestone removed")
    SUPPORT_ITEM_REMOVED = "programme.support_removed", _("Support plan item removed")
    LESSON_CHANGED = "programme.lesson_changed", _("Lesson learned changed")
    LESSON_REMOVED = "programme.lesson_removed", _("Lesson learned removed")
    NEWSLETTER_SUBSCRIBED = "newsletter.subscribed", _("Newsletter subscription asked for")
    NEWSLETTER_CONFIRMED = "newsletter.confirmed", _("Newsletter subscription confirmed")
    NEWSLETTER_UNSUBSCRIBED = "newsletter.unsubscribed", _("Newsletter unsubscribed")
    ENTERPRISE_REGISTERED = "enterprise.registered", _("Enterprise registered")
    FIGURES_SAVED = "figures.saved", _("Yearly figures saved")
    IMPORT_DISCARDED = "data.import_discarded", _("Import preview discarded")


class AuditEntry(models.Model):
    """Who did what, when, on which object. Written in the transaction of the action itself,
    never changed afterwards (the admin only shows it).

    No personal data is copied into an entry: the actor and a target account are kept as
    numbers, so an entry outlives a deleted account without keeping its name or address.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # The actor's number stays when the account is deleted (the foreign key then goes empty).
    actor_number = models.PositiveBigIntegerField(_("account number"), null=True, blank=True)
    action = models.CharField(_("what"), max_length=40, choices=AuditAction.choices)
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of object"),
    )
    target_id = models.CharField(_("object number"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action_created"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor_number", "-created_at"], name="audit_actor_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.target_label or self.target_id}"
