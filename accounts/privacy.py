"""What the portal keeps about an account itself, and how long an unverified account stays."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lsa_portal import privacy

from . import services
from .roles import is_lsa_staff


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
    if user.is_staff or user.is_superuser or is_lsa_staff(user):
        return [
            privacy.Blocker(
                _(
                    "Your account has staff rights. Ask an administrator to take them away "
                    "first, so that your work for the association stays in order."
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
