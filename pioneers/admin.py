from typing import ClassVar

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lsa_portal import audit
from lsa_portal.admin import ChangesCachesAdmin

from . import caches, services
from .models import (
    Application,
    Area,
    Cohort,
    Element,
    Expert,
    Lesson,
    LogEntry,
    Milestone,
    Pioneer,
    Reading,
    ReadingValue,
    ReviewScore,
    SupportItem,
    SupportNeed,
)


class ProgrammeAdmin(ChangesCachesAdmin):
    """Everything saved here shows on the programme's pages (caches.FEEDS_PROGRAMME)."""

    caches_changed = staticmethod(caches.programme_changed)


class AuditedTrackAdmin(ProgrammeAdmin):
    """The admin saves and deletes a track's records itself: each change gets the audit entry
    its service would write (and so do those of the inlines)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.record_admin_change(
            obj, by=request.user, change="changed" if change else "added", fields=form.changed_data
        )

    def delete_model(self, request, obj):
        services.record_admin_change(obj, by=request.user, change="removed")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_admin_change(obj, by=request.user, change="removed")
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, services.ADMIN_AUDITED):
            super().save_formset(request, form, formset, change)
            return
        for obj in formset.deleted_forms:
            if obj.instance.pk is not None:
                services.record_admin_change(obj.instance, by=request.user, change="removed")
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            services.record_admin_change(obj, by=request.user, change="added")
        for obj, fields in formset.changed_objects:
            services.record_admin_change(obj, by=request.user, change="changed", fields=fields)


@admin.register(Cohort)
class CohortAdmin(ProgrammeAdmin):
    list_display = [
        "name",
        "period_start",
        "period_end",
        "applications_open",
        "applications_close",
        "places",
        "rolling_recruitment",
    ]
    list_filter = ["rolling_recruitment"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Area)
class AreaAdmin(ProgrammeAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class SupportNeedInline(admin.TabularInline):
    model = SupportNeed
    extra = 0


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    extra = 0
    autocomplete_fields = ["reviewer"]


@admin.register(Application)
class ApplicationAdmin(ProgrammeAdmin):
    list_display = ["enterprise", "cohort", "status", "submitted_at", "decided_at"]
    list_filter = ["cohort", "status", "flywheel_type"]
    search_fields = ["enterprise__name", "contact_name", "contact_email"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = [
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
    ]
    list_select_related = ["enterprise", "cohort"]
    inlines = [SupportNeedInline, ReviewScoreInline]

    def save_model(self, request, obj, form, change):
        """A status set here by hand is a programme decision too: it goes in the audit log."""
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            audit.record(
                request.user,
                audit.Action.APPLICATION_DECIDED,
                obj,
                decision=obj.status,
                previous=form.initial.get("status"),
                in_admin=True,
            )


@admin.register(ReviewScore)
class ReviewScoreAdmin(ProgrammeAdmin):
    list_display = ["application", "reviewer", "criterion", "score"]
    list_filter = ["criterion", "score", "application__cohort"]
    search_fields = ["application__enterprise__name", "reviewer__email"]
    autocomplete_fields = ["application", "reviewer"]
    list_select_related = ["application__enterprise", "application__cohort", "reviewer"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class SupportItemInline(admin.TabularInline):
    model = SupportItem
    extra = 0
    autocomplete_fields = ["expert"]


class ExtraElementInline(admin.TabularInline):
    model = Element
    extra = 0
    fields = ["name", "slug", "low_meaning", "high_meaning", "order", "active"]
    verbose_name = _("extra element")
    verbose_name_plural = _("extra elements of this pioneer")


@admin.register(Pioneer)
class PioneerAdmin(AuditedTrackAdmin):
    list_display = ["enterprise", "cohort", "started_on", "active", "show_on_programme_page"]
    list_filter = ["cohort", "active", "show_on_programme_page", "flywheel_type"]
    search_fields = ["enterprise__name", "slug"]
    autocomplete_fields = ["enterprise", "application"]
    list_select_related = ["enterprise", "cohort"]
    inlines = [SupportItemInline, MilestoneInline, ExtraElementInline]


@admin.register(Expert)
class ExpertAdmin(ProgrammeAdmin):
    list_display = ["name", "organisation", "availability", "active"]
    list_filter = ["areas", "availability", "active"]
    search_fields = ["name", "organisation", "email"]
    filter_horizontal = ["areas"]


@admin.register(SupportItem)
class SupportItemAdmin(AuditedTrackAdmin):
    list_display = ["description", "pioneer", "area", "expert", "hours_planned", "hours_spent"]
    list_filter = ["area", "status", "pioneer__cohort"]
    search_fields = ["description", "pioneer__enterprise__name", "expert__name"]
    autocomplete_fields = ["pioneer", "expert"]
    list_select_related = ["pioneer__enterprise", "area", "expert"]


@admin.register(Milestone)
class MilestoneAdmin(AuditedTrackAdmin):
    list_display = ["title", "pioneer", "due_date", "status", "achieved_on"]
    list_filter = ["status", "pioneer__cohort"]
    search_fields = ["title", "pioneer__enterprise__name"]
    autocomplete_fields = ["pioneer"]
    date_hierarchy = "due_date"
    list_select_related = ["pioneer__enterprise"]


@admin.register(LogEntry)
class LogEntryAdmin(AuditedTrackAdmin):
    list_display = ["date", "pioneer", "kind", "visibility", "author"]
    list_filter = ["kind", "visibility", "pioneer__cohort"]
    search_fields = ["text", "pioneer__enterprise__name"]
    autocomplete_fields = ["pioneer"]
    readonly_fields = ["author", "created_at"]
    date_hierarchy = "date"
    list_select_related = ["pioneer__enterprise", "author"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Lesson)
class LessonAdmin(AuditedTrackAdmin):
    list_display = ["title", "pioneer", "published", "published_at"]
    list_filter = ["published", "pioneer__cohort"]
    search_fields = ["title", "text", "pioneer__enterprise__name"]
    autocomplete_fields = ["pioneer"]
    readonly_fields = ["published", "published_at", "created_by", "created_at"]
    actions = ["publish_selected"]
    list_select_related = ["pioneer__enterprise"]

    @admin.action(description=_("Publish the selected lessons"))
    def publish_selected(self, request, queryset):
        for lesson in queryset:
            try:
                services.publish_lesson(lesson, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{lesson}: {error}", messages.WARNING)
        self.message_user(request, _("The selected lessons are published."))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Element)
class ElementAdmin(ProgrammeAdmin):
    list_display = ["name", "low_meaning", "high_meaning", "order", "active", "pioneer"]
    list_editable = ["order", "active"]
    list_filter = ["active", ("pioneer", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["pioneer"]
    list_select_related = ["pioneer__enterprise"]


class ReadingValueInline(admin.TabularInline):
    model = ReadingValue
    extra = 0
    can_delete = False
    # A tuple of names: django-stubs' fields (groups) and readonly_fields (names) share only that.
    fields: ClassVar[tuple[str, ...]] = ("element", "position", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reading)
class ReadingAdmin(ProgrammeAdmin):
    """Readings are the history of the mengpaneel: shown, never changed or removed here."""

    list_display = ["pioneer", "taken_on", "taken_by", "created_at"]
    list_filter = ["pioneer__cohort", "pioneer"]
    search_fields = ["pioneer__enterprise__name", "note"]
    date_hierarchy = "taken_on"
    fields: ClassVar[tuple[str, ...]] = ("pioneer", "taken_on", "taken_by", "note", "created_at")
    readonly_fields = fields
    inlines = [ReadingValueInline]
    list_select_related = ["pioneer__enterprise", "taken_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
