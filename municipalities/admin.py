from django.contrib import admin

from .models import OfficerLink


@admin.register(OfficerLink)
class OfficerLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "status", "domain_matches", "requested_at"]
    list_filter = ["status", "domain_matches"]
    search_fields = ["user__email", "municipality__name"]
    autocomplete_fields = ["municipality"]
    raw_id_fields = ["user"]
    readonly_fields = ["requested_at", "decided_at", "decided_by", "domain_matches"]
