"""The audit log in the admin: staff read it; nobody adds, changes or deletes an entry there,
not even a superuser. And the mixin by which an app's admin tells its caches of a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class ChangesCachesAdmin(admin.ModelAdmin):
    """For the admin of a model that feeds cached pages: after every save or delete made here
    (a form with its inlines and relations, the change list's editable columns, a deletion of
    one or of a selection) it calls ``caches_changed``, the app's own function, e.g.
    ``caches_changed = staticmethod(caches.directory_changed)``. Actions call services, which
    do it themselves."""

    caches_changed: Callable[[], None]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.caches_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.caches_changed()  # inlines and many-to-many relations are saved after the object

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.caches_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self.caches_changed()


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "who", "object"]
    list_filter = ["action", ("target_type", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["target_label", "target_id", "actor__email", "=actor_number"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_type"]
    # A tuple of names: django-stubs' fields (groups) and readonly_fields (names) share only that.
    fields: ClassVar[tuple[str, ...]] = (
        "created_at",
        "action",
        "who",
        "actor_number",
        "target_type",
        "target_id",
        "object",
        "details",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("who"), ordering="actor__email")
    def who(self, entry: AuditEntry) -> _StrOrPromise:
        if entry.actor is not None:
            return entry.actor.email
        if entry.actor_number is not None:
            return _("deleted account #%(number)s") % {"number": entry.actor_number}
        return _("the system")

    @admin.display(description=_("object"), ordering="target_label")
    def object(self, entry: AuditEntry):
        label = entry.target_label or entry.target_id
        if not label or (target_type := entry.target_type) is None:
            return "–"
        try:
            url = reverse(
                f"admin:{target_type.app_label}_{target_type.model}_change",
                args=[entry.target_id],
            )
        except NoReverseMatch:
            return f"{target_type.name}: {label}"
        return format_html('{}: <a href="{}">{}</a>', target_type.name, url, label)
