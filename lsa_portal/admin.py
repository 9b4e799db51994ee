"""The audit log in the admin: staff read it; nobody adds, changes or deletes an entry there,
not even a superuser."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "who", "object"]
    list_filter = ["action", ("target_type", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["target_label", "target_id", "actor__email", "=actor_number"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_type"]
    fields = [
        "created_at",
        "action",
        "who",
        "actor_number",
        "target_type",
        "target_id",
        "object",
        "details",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("who"), ordering="actor__email")
    def who(self, entry: AuditEntry) -> str:
        if entry.actor is not None:
            return entry.actor.email
        if entry.actor_number is not None:
            return _("deleted account #%(number)s") % {"number": entry.actor_number}
        return _("the system")

    @admin.display(description=_("object"), ordering="target_label")
    def object(self, entry: AuditEntry):
        label = entry.target_label or entry.target_id
        if not entry.target_type_id or not label:
            return "–"
        try:
            url = reverse(
                f"admin:{entry.target_type.app_label}_{entry.target_type.model}_change",
                args=[entry.target_id],
            )
        except NoReverseMatch:
            return f"{entry.target_type.name}: {label}"
        return format_html('{}: <a href="{}">{}</a>', entry.target_type.name, url, label)
