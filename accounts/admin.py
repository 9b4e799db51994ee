"""Accounts in the admin. Staff accounts are deactivated, never deleted: their work (review
scores, decisions) stays with them; a person who asked to be forgotten is emptied instead."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import User
from .roles import is_lsa_staff, record_role_change, role_snapshot


def _is_staff_account(user: User) -> bool:
    return user.is_staff or user.is_superuser or is_lsa_staff(user) or user.is_forgotten


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    actions = ["deactivate", "forget"]
    readonly_fields = ["forgotten_at"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "forgotten_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        # Roles as they were, read before the form's values are saved.
        obj._roles_before = role_snapshot(User.objects.get(pk=obj.pk)) if change else frozenset()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Groups are saved here, after the user: now the change of roles is complete and goes
        in the audit log, in the admin's transaction."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        record_role_change(request.user, user, user._roles_before, role_snapshot(user))

    def has_delete_permission(self, request, obj=None):
        """Never for a staff account (nor a superuser, nor an emptied former staff member):
        deactivate it instead. The bulk action asks this for every selected account too."""
        if obj is not None and _is_staff_account(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Deactivate the selected accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                done += services.deactivate_account(user, by=request.user)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.WARNING)
        self.message_user(
            request,
            ngettext(
                "%(count)d account deactivated: it can no longer log in; its work stays.",
                "%(count)d accounts deactivated: they can no longer log in; their work stays.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Forget the selected people (at their request)"), permissions=["change"]
    )
    def forget(self, request, queryset):
        for user in queryset:
            label = user.email
            try:
                stayed = services.forget_account(user, by=request.user)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.WARNING)
            except services.DeletionBlocked as blocked:
                self.message_user(
                    request,
                    _("%(account)s cannot be forgotten yet: %(reasons)s")
                    % {"account": label, "reasons": " ".join(b.message for b in blocked.blockers)},
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    (
                        _("%(account)s is emptied; its work stays as a former staff member's.")
                        if stayed
                        else _("%(account)s and its personal data are deleted.")
                    )
                    % {"account": label},
                    messages.SUCCESS,
                )
