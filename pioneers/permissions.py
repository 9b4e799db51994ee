"""Who may see and do what in the WijkBV programme: the one place with these rules.

Staff (LSA-medewerker) run the programme and see everything. A pioneer's members (the members of
its enterprise) see the shared parts of their own track. Reviewers' scores and internal log
entries are for staff only; for anyone else they do not exist (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.roles import is_lsa_staff
from enterprises.models import Enterprise, Membership
from enterprises.permissions import is_member as is_member  # also asked here by services

from .models import Application, Pioneer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def is_pioneer_member(user: User | AnonymousUser, pioneer: Pioneer) -> bool:
    return is_member(user, pioneer.enterprise)


def can_view_pioneer(user: User | AnonymousUser, pioneer: Pioneer) -> bool:
    """Staff, and the pioneer's own members; for everyone else the page does not exist."""
    return is_lsa_staff(user) or is_pioneer_member(user, pioneer)


def can_view_pioneer_slug(user: User | AnonymousUser, slug: str) -> bool:
    """``can_view_pioneer`` for a pioneer known only by its slug, without loading it (one light
    query for a member, none for staff): the cached pioneer page needs no more. For staff it
    says nothing about whether the pioneer exists."""
    if is_lsa_staff(user):
        return True
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, enterprise__pioneer_tracks__slug=slug).exists()
    )


def can_see_internal(user: User | AnonymousUser) -> bool:
    """Internal log entries, draft lessons, support hours and review scores: staff only."""
    return is_lsa_staff(user)


def can_track(user: User | AnonymousUser) -> bool:
    """Record readings, log entries, milestones, support items and lessons."""
    return is_lsa_staff(user)


def can_apply_for(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """A member of a published enterprise may apply on its behalf."""
    return enterprise.is_published and is_member(user, enterprise)


def can_view_application(user: User | AnonymousUser, application: Application) -> bool:
    return is_member(user, application.enterprise) or is_lsa_staff(user)


def can_edit_application(user: User | AnonymousUser, application: Application) -> bool:
    return application.is_draft and is_member(user, application.enterprise)


def can_review(user: User | AnonymousUser) -> bool:
    return is_lsa_staff(user)
