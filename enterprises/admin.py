from csp.decorators import csp_update
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from lsa_portal import audit
from lsa_portal.admin import ChangesCachesAdmin

from . import caches, services
from .models import Asset, Enterprise, Invitation, Membership, Municipality, Theme, YearFigures


class DirectoryAdmin(ChangesCachesAdmin):
    """Everything saved here shows in the directory (caches.FEEDS_DIRECTORY)."""

    caches_changed = staticmethod(caches.directory_changed)


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's change list writes one style attribute (``border-top: 0`` on its
    paginator), which the Content Security Policy refuses: its history page allows exactly that
    attribute by its hash, and nothing else inline."""

    @method_decorator(
        csp_update(
            {
                "style-src-attr": [
                    "'unsafe-hashes'",
                    "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",  # border-top: 0
                ]
            }
        )
    )
    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, extra_context)

    # A website typed without a scheme is taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Municipality)
class MunicipalityAdmin(DirectoryAdmin):
    list_display = ["name", "cbs_code", "province"]
    list_filter = ["province"]
    search_fields = ["name", "cbs_code"]


@admin.register(Theme)
class ThemeAdmin(DirectoryAdmin):
    list_display = ["name", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class AssetInline(admin.TabularInline):
    model = Asset
    extra = 0


class YearFiguresInline(admin.StackedInline):
    model = YearFigures
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(HistoryAdmin, DirectoryAdmin):  # type: ignore[misc]  # stubs: two dict types
    list_display = ["name", "municipality", "kind", "status", "submitted_at", "published_at"]
    list_filter = ["status", "kind", "legal_form", "municipality__province", "themes"]
    search_fields = ["name", "neighbourhood", "municipality__name", "kvk_number"]
    autocomplete_fields = ["municipality"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["themes"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at", "submitted_at", "published_at"]
    inlines = [MembershipInline, AssetInline, YearFiguresInline]
    actions = ["publish_selected"]
    list_select_related = ["municipality"]

    def save_formset(self, request, form, formset, change):
        """Membership changes made here go in the audit log, like those on the members page."""
        # A deleted asset loses its number in the save: note it before.
        removed = [f.instance for f in formset.deleted_forms if f.instance.pk is not None]
        removed = [(item.pk, item.kind, item.enterprise) for item in removed]
        super().save_formset(request, form, formset, change)
        if formset.model is Asset:
            self._audit_assets(request, formset, removed)
        if formset.model is not Membership:
            return
        for item in formset.new_objects:
            audit.record(
                request.user,
                audit.Action.MEMBER_JOINED,
                item.enterprise,
                member=item.user_id,
                role=item.role,
            )
        for item, changed in formset.changed_objects:
            audit.record(
                request.user,
                audit.Action.MEMBER_ROLE_CHANGED,
                item.enterprise,
                member=item.user_id,
                role=item.role,
                changed=changed,
            )
        for item in formset.deleted_objects:
            audit.record(
                request.user,
                audit.Action.MEMBER_REMOVED,
                item.enterprise,
                member=item.user_id,
                role=item.role,
            )

    def _audit_assets(self, request, formset, removed):
        """Asset changes made here go in the audit log, like those on the assets page."""
        changes = [(audit.Action.ASSET_ADDED, item) for item in formset.new_objects]
        changes += [(audit.Action.ASSET_CHANGED, item) for item, _fields in formset.changed_objects]
        kept = [(action, item.pk, item.kind, item.enterprise) for action, item in changes]
        kept += [(audit.Action.ASSET_REMOVED, *item) for item in removed]
        for action, pk, kind, enterprise in kept:
            audit.record(request.user, action, enterprise, asset=pk, kind=kind, in_admin=True)

    @admin.action(description=_("Publish the selected submitted registrations"))
    def publish_selected(self, request, queryset):
        published = 0
        for enterprise in queryset:
            try:
                services.publish(enterprise, by=request.user)
                published += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{enterprise}: {' '.join(error.messages)}", messages.WARNING
                )
        self.message_user(request, _("%(count)d published.") % {"count": published})


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "enterprise", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "enterprise__name"]
    readonly_fields = ["token", "created_at", "accepted_at", "accepted_by", "invited_by"]
    autocomplete_fields = ["enterprise"]


@admin.register(YearFigures)
class YearFiguresAdmin(HistoryAdmin, DirectoryAdmin):  # type: ignore[misc]  # stubs: two dict types
    list_display = ["enterprise", "year", "expenses", "paid_staff_fte", "volunteers"]
    list_filter = ["year"]
    search_fields = ["enterprise__name"]
    autocomplete_fields = ["enterprise"]
