from django.contrib import admin
from django.utils import timezone

from lsa_portal import audit

from .models import LinkStatus, OfficerLink


@admin.register(OfficerLink)
class OfficerLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "status", "domain_matches", "requested_at"]
    list_filter = ["status", "domain_matches"]
    search_fields = ["user__email", "municipality__name"]
    autocomplete_fields = ["municipality"]
    raw_id_fields = ["user"]
    readonly_fields = ["requested_at", "decided_at", "decided_by", "domain_matches"]

    def save_model(self, request, obj, form, change):
        """A status set here by hand decides the link as much as the queue does: it gets its
        date and decider (the table requires a date) and goes in the audit log."""
        decided = "status" in form.changed_data
        if decided and obj.status != LinkStatus.REQUESTED:
            obj.decided_at, obj.decided_by = timezone.now(), request.user
        elif decided:
            obj.decided_at = obj.decided_by = None
        super().save_model(request, obj, form, change)
        if decided:
            audit.record(
                request.user,
                audit.Action.OFFICER_LINK_DECIDED,
                obj.municipality,
                officer=obj.user_id,
                status=obj.status,
                in_admin=True,
            )
