"""What the portal keeps about an account itself, and how long an unverified account stays."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lsa_portal import privacy

from . import services
from .models import User


def export(user, addresses):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": item.email, "verified": item.verified, "primary": item.primary}
            for item in user.emailaddress_set.order_by("email")
        ],
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "management_access": user.is_staff,
    }


def blockers(user, *, lock=False):
    """Staff may ask to be forgotten (their account is emptied, not deleted), except the last
    active administrator: the portal would have nobody left to manage it."""
    if user.is_superuser and user.is_active:
        others = User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
        if lock:
            others = others.select_for_update()
        if not list(others.values_list("pk", flat=True)[:1]):
            return [
                privacy.Blocker(
                    _(
                        "You are the portal's last administrator. Make someone else "
                        "administrator first, so that somebody can still manage the portal."
                    )
                )
            ]
    return []


privacy.register_section("account", export=export, blockers=blockers)
privacy.register_retention(
    "unverified-accounts",
    lambda: (
        ngettext(
            "Accounts whose e-mail address was never confirmed are removed after %(days)d day.",
            "Accounts whose e-mail address was never confirmed are removed after %(days)d days.",
            services.UNVERIFIED_ACCOUNT_DAYS,
        )
        % {"days": services.UNVERIFIED_ACCOUNT_DAYS}
    ),
    services.delete_unverified_accounts,
)
