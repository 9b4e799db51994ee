"""The reporting rounds in the admin: staff look, with whom each round invited and reminded.
Rounds are opened, closed and corrected on the staff pages (/monitor/rondes/), where the
services check the rules, mail the enterprises and keep the audit log: never here."""

from typing import ClassVar

from django.contrib import admin

from .models import ReportingRound, RoundInvitation, RoundReminder


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoundInvitationInline(_ReadOnlyInline):
    model = RoundInvitation
    # A tuple of names: django-stubs' fields (groups) and readonly_fields (names) share only that.
    fields: ClassVar[tuple[str, ...]] = ("enterprise", "invited_at", "recipients")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enterprise")


class RoundReminderInline(_ReadOnlyInline):
    model = RoundReminder
    fields: ClassVar[tuple[str, ...]] = ("enterprise", "days_before", "sent_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enterprise")


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["year", "deadline", "reminder_days", "opened_at", "closed_at"]
    list_filter = ["closed_at"]
    date_hierarchy = "opened_at"
    list_select_related = ["opened_by", "closed_by"]
    fields: ClassVar[tuple[str, ...]] = (
        "year",
        "deadline",
        "reminder_days",
        "opened_at",
        "opened_by",
        "closed_at",
        "closed_by",
    )
    readonly_fields = fields
    inlines = [RoundInvitationInline, RoundReminderInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
