"""What the directory keeps about a person: memberships, registrations, invitations and the
contact person of an enterprise; and how long invitations stay."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lsa_portal import privacy
from lsa_portal.history import changed_by

from . import services
from .models import Enterprise, EnterpriseStatus, Invitation, Membership, MembershipRole

if TYPE_CHECKING:
    from accounts.models import User


def _invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        "enterprise": invitation.enterprise.name,
        "role": invitation.role,
        "sent_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "accepted_at": invitation.accepted_at,
    }


def _addressed_to(addresses: frozenset[str]) -> QuerySet[Invitation]:
    return Invitation.objects.annotate(lowered_email=Lower("email")).filter(
        lowered_email__in=addresses
    )


def export(user: User, addresses: frozenset[str]) -> dict[str, Any]:
    memberships = Membership.objects.filter(user=user).select_related("enterprise")
    registered = (
        Enterprise.history.filter(history_user=user, history_type="+")
        .order_by("history_date")
        .values("id", "name", "slug", "history_date")
    )
    current = dict(
        Enterprise.objects.filter(pk__in=[row["id"] for row in registered]).values_list(
            "pk", "status"
        )
    )
    contact_of = Enterprise.objects.annotate(lowered_email=Lower("contact_email")).filter(
        lowered_email__in=addresses
    )
    return {
        "memberships": [
            {
                "enterprise": item.enterprise.name,
                "slug": item.enterprise.slug,
                "role": item.role,
                "member_since": item.created_at,
            }
            for item in memberships
        ],
        "registered": [
            {
                "enterprise": row["name"],
                "slug": row["slug"],
                "registered_at": row["history_date"],
                "status": current.get(row["id"], "verwijderd"),
            }
            for row in registered
        ],
        "contact_person_of": [
            {
                "enterprise": item.name,
                "contact_name": item.contact_name,
                "contact_email": item.contact_email,
                "municipality_may_contact": item.municipality_may_contact,
            }
            for item in contact_of
        ],
        # Other people's addresses are theirs: sent invitations show no address.
        "invitations_sent": [
            _invitation(item)
            for item in Invitation.objects.filter(invited_by=user).select_related("enterprise")
        ],
        "invitations_received": [
            _invitation(item) for item in _addressed_to(addresses).select_related("enterprise")
        ],
    }


def erase(user: User, addresses: frozenset[str]) -> None:
    """Memberships go with the account; the enterprises and their public history stay. What
    names the person goes: invitations to their address, and the contact person of an
    enterprise (also in its earlier versions) when it is their address."""
    for membership in Membership.objects.filter(user=user):
        # The history row of this deletion must not name the account that is about to go (the
        # request's user): the foreign key would point at nothing.
        changed_by(membership, None).delete()
    _addressed_to(addresses).delete()
    for enterprise in Enterprise.objects.annotate(lowered_email=Lower("contact_email")).filter(
        lowered_email__in=addresses
    ):
        enterprise.contact_name = ""
        enterprise.contact_email = ""
        enterprise.municipality_may_contact = False
        changed_by(enterprise, None).save()
    Enterprise.history.annotate(lowered_email=Lower("contact_email")).filter(
        lowered_email__in=addresses
    ).update(contact_name="", contact_email="")


def blockers(user: User, *, lock: bool = False) -> list[privacy.Blocker]:
    """A last owner of an enterprise that is not archived hands it over or archives it first."""
    owned = Membership.objects.filter(user=user, role=MembershipRole.OWNER).exclude(
        enterprise__status=EnterpriseStatus.ARCHIVED
    )
    owned_ids = list(owned.values_list("enterprise_id", flat=True))
    if lock and owned_ids:
        # The same lock remove_member() and change_role() take: no co-owner leaves meanwhile.
        list(Enterprise.objects.select_for_update().filter(pk__in=owned_ids).values("pk"))
    alone = (
        Enterprise.objects.filter(pk__in=owned_ids)
        .annotate(owners=Count("memberships", filter=Q(memberships__role=MembershipRole.OWNER)))
        .filter(owners__lte=1)
        .order_by("name")
    )
    return [
        privacy.Blocker(
            _(
                "You are the last owner of %(name)s. Make another member owner, or archive "
                "the enterprise, before you delete your account."
            )
            % {"name": enterprise.name},
            (
                (
                    _("Hand over %(name)s") % {"name": enterprise.name},
                    reverse("enterprises:members", kwargs={"slug": enterprise.slug}),
                ),
                (
                    _("Archive %(name)s") % {"name": enterprise.name},
                    reverse("enterprises:archive", kwargs={"slug": enterprise.slug}),
                ),
            ),
        )
        for enterprise in alone
    ]


privacy.register_section("enterprises", export=export, erase=erase, blockers=blockers)
privacy.register_retention(
    "expired-invitations",
    lambda: (
        ngettext(
            "Invitations to keep an enterprise together are deleted when their link expires, "
            "%(days)d day after they were sent.",
            "Invitations to keep an enterprise together are deleted when their link expires, "
            "%(days)d days after they were sent.",
            services.INVITATION_DAYS,
        )
        % {"days": services.INVITATION_DAYS}
    ),
    services.delete_expired_invitations,
)
privacy.register_retention(
    "import-previews",
    lambda: (
        ngettext(
            "Previews of an import of enterprises from a spreadsheet that staff did not confirm "
            "are deleted after %(days)d day.",
            "Previews of an import of enterprises from a spreadsheet that staff did not confirm "
            "are deleted after %(days)d days.",
            services.IMPORT_PREVIEW_DAYS,
        )
        % {"days": services.IMPORT_PREVIEW_DAYS}
    ),
    services.delete_stale_imports,
)
