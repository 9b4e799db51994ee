"""Where staff write and publish knowledge items, and read what visitors sent in."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lsa_portal.admin import ChangesCachesAdmin

from . import caches, services
from .models import (
    FAQ,
    AdviceRequest,
    Article,
    Audience,
    CaseDescription,
    FAQCategory,
    Report,
    ReportRequest,
    Subscriber,
)
from .views import csv_response


class ContentAdmin(ChangesCachesAdmin):
    """Everything saved here shows on pages built on the items (caches.FEEDS_CONTENT)."""

    caches_changed = staticmethod(caches.content_changed)


class PublishableAdmin(ContentAdmin):
    """Shared by every item: publish/unpublish actions, and the search table kept in step."""

    actions = ["publish_selected", "unpublish_selected"]
    list_filter = ["status", "themes"]
    date_hierarchy = "published_at"
    filter_horizontal = ["themes"]
    readonly_fields = ["created_at", "updated_at"]

    def save_related(self, request, form, formsets, change):
        # Themes are saved here, after save_model: only now is the item complete.
        super().save_related(request, form, formsets, change)
        services.index_item(form.instance)

    @admin.action(description=_("Publish the selected items"))
    def publish_selected(self, request, queryset):
        done = 0
        for item in queryset:
            try:
                services.publish(item, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{item}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(
            request, ngettext("%d item published.", "%d items published.", done) % done
        )

    @admin.action(description=_("Take the selected items back to draft"))
    def unpublish_selected(self, request, queryset):
        for item in queryset:
            services.unpublish(item, by=request.user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%d item is a draft again.", "%d items are drafts again.", count) % count,
        )


@admin.register(Report)
class ReportAdmin(PublishableAdmin):
    list_display = [
        "title",
        "publication_date",
        "access",
        "status",
        "view_count",
        "download_count",
        "request_count",
    ]
    list_filter = ["status", "access", "themes", "audiences"]
    search_fields = ["title", "subtitle", "summary", "authors", "commissioned_by"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes", "audiences"]
    readonly_fields = ["view_count", "download_count", "request_count", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "summary", "key_lessons", "body"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "authors",
                    "partners",
                    "commissioned_by",
                    "commissioning_municipality",
                    "publication_date",
                    "pdf",
                    "cover",
                    "access",
                    "themes",
                    "audiences",
                ]
            },
        ),
        (_("Status"), {"fields": ["status", "published_at", "created_at", "updated_at"]}),
        (_("Counts"), {"fields": ["view_count", "download_count", "request_count"]}),
    ]


@admin.register(FAQCategory)
class FAQCategoryAdmin(ContentAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(FAQ)
class FAQAdmin(PublishableAdmin):
    list_display = ["question", "category", "order", "status", "published_at"]
    list_filter = ["status", "category", "themes"]
    list_editable = ["order"]
    search_fields = ["question", "answer"]
    prepopulated_fields = {"slug": ["question"]}
    filter_horizontal = ["themes", "related_reports"]


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = ["title", "kind", "author", "date", "status"]
    list_filter = ["status", "kind", "themes"]
    search_fields = ["title", "lead", "body", "author"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(CaseDescription)
class CaseDescriptionAdmin(PublishableAdmin):
    list_display = ["title", "enterprise", "subject_name", "status", "published_at"]
    search_fields = ["title", "summary", "body", "subject_name", "enterprise__name"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Audience)
class AudienceAdmin(ContentAdmin):
    list_display = ["name", "name_en", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}

    def caches_changed(self) -> None:
        caches.content_changed()
        caches.search_changed()  # the search page offers the audiences as a filter


@admin.register(ReportRequest)
class ReportRequestAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "report",
        "name",
        "email",
        "organisation",
        "role",
        "downloaded_at",
    ]
    list_filter = ["report", "role", "created_at"]
    search_fields = ["name", "email", "organisation", "report__title"]
    date_hierarchy = "created_at"
    actions = ["export_csv"]
    readonly_fields = [
        "report",
        "name",
        "email",
        "organisation",
        "role",
        "consent",
        "created_at",
        "downloaded_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Export the selected requests as CSV"))
    def export_csv(self, request, queryset):
        return csv_response(services.export_requests(queryset, by=request.user))


class ConfirmedFilter(admin.SimpleListFilter):
    """Confirmed or not, read from ``confirmed_at`` (the one mark of a confirmation)."""

    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in {"0", "1"}:
            return queryset.filter(confirmed_at__isnull=self.value() == "0")
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "is_confirmed", "created_at", "confirmed_at"]
    list_filter = [ConfirmedFilter]
    search_fields = ["email", "name"]
    readonly_fields = ["created_at", "confirmed_at"]
    actions = ["export_confirmed"]

    def has_add_permission(self, request):
        # Only the double opt-in adds subscribers: nobody is subscribed without confirming.
        return False

    @admin.display(boolean=True, description=_("confirmed"), ordering="confirmed_at")
    def is_confirmed(self, subscriber: Subscriber) -> bool:
        return subscriber.confirmed

    @admin.action(description=_("Export all confirmed subscribers as CSV"))
    def export_confirmed(self, request, queryset):
        return csv_response(services.export_subscribers(by=request.user))


@admin.register(AdviceRequest)
class AdviceRequestAdmin(admin.ModelAdmin):
    """The staff inbox for advice requests."""

    list_display = ["created_at", "organisation", "name", "topic", "municipality", "handled"]
    list_filter = ["handled", "topic", "created_at"]
    list_editable = ["handled"]
    search_fields = ["name", "email", "organisation", "message"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "name",
        "email",
        "organisation",
        "municipality",
        "topic",
        "message",
        "consent",
        "created_at",
    ]
    fields = [*readonly_fields, "handled", "staff_note"]

    def has_add_permission(self, request):
        return False
