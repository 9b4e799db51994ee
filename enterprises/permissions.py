"""Who may see and change what of an enterprise: the one place with these rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.roles import is_lsa_staff, is_municipal_officer

from .models import Enterprise, EnterpriseStatus, Membership, MembershipRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

EDITABLE_STATUSES = {
    EnterpriseStatus.CONCEPT,
    EnterpriseStatus.SUBMITTED,
    EnterpriseStatus.PUBLISHED,
    EnterpriseStatus.REJECTED,
}
SUBMITTABLE_STATUSES = {EnterpriseStatus.CONCEPT, EnterpriseStatus.REJECTED}


def membership(user: User | AnonymousUser, enterprise: Enterprise) -> Membership | None:
    """The user's membership of the enterprise, cached on the enterprise for the request."""
    if not user.is_authenticated:
        return None
    cache: dict[int, Membership | None] = enterprise.__dict__.setdefault("_membership_cache", {})
    if user.pk not in cache:
        cache[user.pk] = Membership.objects.filter(enterprise=enterprise, user=user).first()
    return cache[user.pk]


def is_member(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    return membership(user, enterprise) is not None


def is_owner(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    found = membership(user, enterprise)
    return found is not None and found.role == MembershipRole.OWNER


def kept_by_staff(enterprise: Enterprise) -> bool:
    """An enterprise without an owner (one staff imported from the association's spreadsheets)
    is kept by staff, until a resident accepts an invitation as its owner: then it is theirs.
    Cached on the enterprise for the request."""
    cache = enterprise.__dict__
    if "_kept_by_staff" not in cache:
        cache["_kept_by_staff"] = not Membership.objects.filter(
            enterprise=enterprise, role=MembershipRole.OWNER
        ).exists()
    return bool(cache["_kept_by_staff"])


def staff_keeps(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """The user is staff and the enterprise has no owner: staff keep it in the owners' place."""
    return is_lsa_staff(user) and kept_by_staff(enterprise)


def can_view(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """Published enterprises are public; anything else only for its members and staff."""
    return enterprise.is_published or is_member(user, enterprise) or is_lsa_staff(user)


def can_edit(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """Its members, and staff while they keep it; never once archived."""
    return enterprise.status in EDITABLE_STATUSES and (
        is_member(user, enterprise) or staff_keeps(user, enterprise)
    )


def can_see_members(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """The members page: its members, and staff while they keep it (to invite its owner)."""
    return is_member(user, enterprise) or staff_keeps(user, enterprise)


def can_manage_members(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """Invite, withdraw invitations, change roles, remove others: owners, until archived; and
    staff while the enterprise has no owner (they invite the resident who takes it over)."""
    return enterprise.status != EnterpriseStatus.ARCHIVED and (
        is_owner(user, enterprise) or staff_keeps(user, enterprise)
    )


def can_remove_member(user: User | AnonymousUser, membership: Membership) -> bool:
    """Anyone may leave; removing someone else is managing the members."""
    if user.is_authenticated and membership.user_id == user.pk:
        return True
    return can_manage_members(user, membership.enterprise)


def can_submit(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    return enterprise.status in SUBMITTABLE_STATUSES and is_member(user, enterprise)


def can_review(user: User | AnonymousUser) -> bool:
    return is_lsa_staff(user)


def can_archive(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """Owners may take their own enterprise out of the directory (before leaving the portal,
    for instance); staff may archive any."""
    if enterprise.status == EnterpriseStatus.ARCHIVED:
        return False
    return is_owner(user, enterprise) or is_lsa_staff(user)


def can_import(user: User | AnonymousUser) -> bool:
    """Importing enterprises and figures from the association's spreadsheets: staff."""
    return is_lsa_staff(user)


def can_narrow_benchmark(user: User | AnonymousUser) -> bool:
    """The benchmark of one municipality: for its officers and staff."""
    return is_municipal_officer(user) or is_lsa_staff(user)
