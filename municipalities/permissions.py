"""Who may see what of a municipality beyond the public page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.roles import is_lsa_staff, is_municipal_officer
from enterprises.models import Municipality

from .models import LinkStatus, OfficerLink

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def is_linked_officer(user: User | AnonymousUser, municipality: Municipality) -> bool:
    """An officer whose link to this municipality staff approved."""
    # is_authenticated first tells the type checker that the user is a User (the officer check
    # is false for an anonymous visitor anyway).
    return (
        user.is_authenticated
        and is_municipal_officer(user)
        and OfficerLink.objects.filter(
            user=user, municipality=municipality, status=LinkStatus.APPROVED
        ).exists()
    )


def can_see_contacts(user: User | AnonymousUser, municipality: Municipality) -> bool:
    """Contact persons (of enterprises that agreed) and the data downloads."""
    return is_lsa_staff(user) or is_linked_officer(user, municipality)


def may_see_contacts_anywhere(user: User | AnonymousUser) -> bool:
    """Whether ``can_see_contacts`` can be true for this user in any municipality: staff and
    officers (linked or not); never for anyone else."""
    return is_lsa_staff(user) or is_municipal_officer(user)


def can_request_link(user: User | AnonymousUser) -> bool:
    """Ask staff to be linked to a municipality, follow one with the account: officers."""
    return is_municipal_officer(user)


def can_decide_links(user: User | AnonymousUser) -> bool:
    """The queue of officers' requests, and the decision on each: staff."""
    return is_lsa_staff(user)
