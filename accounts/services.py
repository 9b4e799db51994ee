"""Everything that changes an account as a whole: the personal-data download, deleting an
account, and removing accounts that were never verified.

What each app keeps about a person is registered in its own ``privacy.py``
(``lsa_portal.privacy``): this module asks every app, it imports none.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lsa_portal import audit, privacy

from .models import User

# An account whose address was never verified is removed after this many days.
UNVERIFIED_ACCOUNT_DAYS = 14


class DeletionBlocked(Exception):
    """The account cannot be deleted yet; ``blockers`` say what to do first."""

    def __init__(self, blockers: list[privacy.Blocker]):
        super().__init__("; ".join(blocker.message for blocker in blockers))
        self.blockers = blockers


def verified_addresses(user) -> frozenset[str]:
    """The person's verified e-mail addresses, lower case: data given without an account
    (a newsletter sign-up, a report request) is theirs only through an address they proved."""
    return frozenset(
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    )


def personal_data(user) -> dict[str, Any]:
    """Everything the portal keeps about the person, by app, ready for JSON."""
    addresses = verified_addresses(user)
    data: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "portal": settings.PORTAL_BASE_URL,
    }
    for section in privacy.sections():
        data[section.key] = section.export(user, addresses)
    return data


@transaction.atomic
def export_personal_data(user) -> dict[str, Any]:
    """The person downloads their own data; the download is in the audit log."""
    data = personal_data(user)
    audit.record(user, audit.Action.PERSONAL_DATA_EXPORTED, user)
    return data


def deletion_blockers(user, *, lock: bool = False) -> list[privacy.Blocker]:
    """What must happen before the account can go (a last owner hands over first). ``lock``
    (inside a transaction) holds the rows the answer depends on until the deletion commits."""
    found: list[privacy.Blocker] = []
    for section in privacy.sections():
        if section.blockers is not None:
            found.extend(section.blockers(user, lock=lock))
    return found


@transaction.atomic
def delete_account(user, *, password: str) -> None:
    """The person deletes their own account after entering their password again.

    Every app first removes or anonymises what it keeps about the person (its ``erase``); what
    belongs to an enterprise's public history stays, without the person. The deletion is in the
    audit log under the account's number only.
    """
    if not password or not user.check_password(password):
        raise ValidationError(_("This password is not correct."), code="wrong_password")
    user = User.objects.select_for_update().get(pk=user.pk)
    blockers = deletion_blockers(user, lock=True)
    if blockers:
        raise DeletionBlocked(blockers)
    addresses = verified_addresses(user)
    audit.record(user, audit.Action.ACCOUNT_DELETED, user)
    for section in privacy.sections():
        if section.erase is not None:
            section.erase(user, addresses)
    user.delete()


def delete_unverified_accounts(now: datetime | None = None) -> int:
    """Retention: accounts that never verified their address and never logged in, older than
    ``UNVERIFIED_ACCOUNT_DAYS``. Staff and superusers (made by hand) are never touched."""
    now = now or timezone.now()
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = User.objects.filter(
        date_joined__lt=now - timedelta(days=UNVERIFIED_ACCOUNT_DAYS),
        last_login__isnull=True,
        is_staff=False,
        is_superuser=False,
    ).exclude(pk__in=verified)
    _total, per_model = stale.delete()
    return per_model.get(User._meta.label, 0)
