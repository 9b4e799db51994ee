"""What the municipalities' part keeps about a person: an officer's links to municipalities
and the monthly digests followed; and how long an unconfirmed sign-up stays."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import ngettext

from lsa_portal import privacy

from . import services
from .models import Follower, OfficerLink


def _following(user, addresses):
    return Follower.objects.annotate(lowered_email=Lower("email")).filter(
        Q(user=user) | Q(lowered_email__in=addresses)
    )


def export(user, addresses) -> dict:
    return {
        "officer_links": [
            {
                "municipality": item.municipality.name,
                "status": item.status,
                "job_title": item.job_title,
                "motivation": item.motivation,
                "requested_at": item.requested_at,
                "decided_at": item.decided_at,
            }
            for item in OfficerLink.objects.filter(user=user).select_related("municipality")
        ],
        "digests_followed": [
            {
                "municipality": item.municipality.name,
                "email": item.email,
                "since": item.created_at,
                "confirmed_at": item.confirmed_at,
            }
            for item in _following(user, addresses).select_related("municipality")
        ],
    }


def erase(user, addresses) -> None:
    """Links go with the account (cascade); digests followed by address go too."""
    _following(user, addresses).delete()


privacy.register_section("municipalities", export=export, erase=erase)
privacy.register_retention(
    "unconfirmed-digest-followers",
    lambda: (
        ngettext(
            "Sign-ups for a municipality's monthly digest that were never confirmed are deleted "
            "after %(days)d day.",
            "Sign-ups for a municipality's monthly digest that were never confirmed are deleted "
            "after %(days)d days.",
            services.CONFIRM_DAYS,
        )
        % {"days": services.CONFIRM_DAYS}
    ),
    services.delete_unconfirmed_followers,
)
