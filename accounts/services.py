"""Everything that changes an account as a whole: the personal-data download, deleting an
account (or, for staff, emptying it), deactivating it, and removing accounts that were never
verified.

Staff accounts are never deleted: the association's records refer to them (review scores are
protected by their foreign key; decisions and readings name who made them). A staff member who
asks to be forgotten keeps an empty, inactive account that pages show as "former staff member".

What each app keeps about a person is registered in its own ``privacy.py``
(``lsa_portal.privacy``): this module asks every app, it imports none.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from lsa_portal import audit, privacy

from .models import User
from .roles import is_lsa_staff

# An account whose address was never verified is removed after this many days.
UNVERIFIED_ACCOUNT_DAYS = 14


class DeletionBlocked(Exception):
    """The account cannot be deleted yet; ``blockers`` say what to do first."""

    def __init__(self, blockers: list[privacy.Blocker]) -> None:
        super().__init__("; ".join(blocker.message for blocker in blockers))
        self.blockers = blockers


def verified_addresses(user: User) -> frozenset[str]:
    """The person's verified e-mail addresses, lower case: data given without an account
    (a newsletter sign-up, a report request) is theirs only through an address they proved."""
    return frozenset(
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    )


def personal_data(user: User) -> dict[str, Any]:
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
def export_personal_data(*, by: User) -> dict[str, Any]:
    """The person (``by``) downloads their own data; the download is in the audit log."""
    data = personal_data(by)
    audit.record(by, audit.Action.PERSONAL_DATA_EXPORTED, by)
    return data


def deletion_blockers(user: User, *, lock: bool = False) -> list[privacy.Blocker]:
    """What must happen before the account can go (a last owner hands over first). ``lock``
    (inside a transaction) holds the rows the answer depends on until the deletion commits."""
    found: list[privacy.Blocker] = []
    for section in privacy.sections():
        if section.blockers is not None:
            found.extend(section.blockers(user, lock=lock))
    return found


def account_stays(user: User) -> bool:
    """Whether erasing this account empties it instead of deleting it: staff (and superusers),
    and any account that records the association keeps still refer to (a former reviewer)."""
    if user.is_staff or user.is_superuser or is_lsa_staff(user):
        return True
    try:
        Collector(using=router.db_for_write(User)).collect([user])
    except ProtectedError:
        return True
    return False


def _empty(user: User, now: datetime) -> None:
    """What deleting the account would remove goes (its addresses, memberships, links: every row
    that cascades with it); the row itself stays, without name, address, password or rights, so
    that what refers to it (scores, decisions) reads "former staff member"."""
    for relation in User._meta.get_fields(include_hidden=True):
        cascades = (
            relation.auto_created
            and not relation.concrete
            and (relation.one_to_many or relation.one_to_one)
            # get_fields() is typed as any field; these are reverse relations (ForeignObjectRel).
            and relation.on_delete is models.CASCADE  # type: ignore[union-attr]
        )
        # The admin's change history is the association's record, like the scores.
        if cascades and relation.related_model._meta.label != "admin.LogEntry":  # type: ignore[union-attr]
            relation.related_model._base_manager.filter(**{relation.field.name: user}).delete()  # type: ignore[union-attr]
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"voormalig-medewerker-{user.pk}@forgotten.invalid"  # .invalid: never delivered
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.forgotten_at = now
    user.save()


def _erase(user: User, *, actor: User | None) -> bool:
    """Every app removes or anonymises its part; then the account goes, or is emptied when it
    must stay (``account_stays``). Returns whether it stayed."""
    stays = account_stays(user)
    addresses = verified_addresses(user)
    action = audit.Action.ACCOUNT_FORGOTTEN if stays else audit.Action.ACCOUNT_DELETED
    audit.record(actor, action, user)
    for section in privacy.sections():
        if section.erase is not None:
            section.erase(user, addresses)
    if stays:
        _empty(user, timezone.now())
    else:
        user.delete()
    return stays


@transaction.atomic
def delete_account(*, by: User, password: str) -> bool:
    """The person (``by``) deletes their own account after entering their password again.

    Every app first removes or anonymises what it keeps about the person (its ``erase``); what
    belongs to an enterprise's public history stays, without the person. The deletion is in the
    audit log under the account's number only. A staff account is emptied and deactivated
    instead (returns True then): its work stays, as that of a former staff member.
    """
    if not password or not by.check_password(password):
        raise ValidationError(_("This password is not correct."), code="wrong_password")
    user = User.objects.select_for_update().get(pk=by.pk)
    blockers = deletion_blockers(user, lock=True)
    if blockers:
        raise DeletionBlocked(blockers)
    return _erase(user, actor=user)


@transaction.atomic
def forget_account(user: User, *, by: User) -> bool:
    """An administrator erases a person who asked to be forgotten and can no longer log in
    (a staff member who left): the same erasure as ``delete_account``, with the same blockers."""
    if user.pk == by.pk:
        raise ValidationError(_("Delete your own account on your privacy page."), code="self")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_forgotten:
        return True
    blockers = deletion_blockers(user, lock=True)
    if blockers:
        raise DeletionBlocked(blockers)
    return _erase(user, actor=by)


@transaction.atomic
def deactivate_account(user: User, *, by: User) -> bool:
    """Staff leave by deactivation, never deletion: the account cannot log in any more and its
    work stays under its name. Returns False when it was inactive already."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."), code="self")
    if not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(by, audit.Action.ACCOUNT_DEACTIVATED, user)
    return True


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
        forgotten_at__isnull=True,  # emptied on purpose; the records that need it keep it
    ).exclude(pk__in=verified)
    _total, per_model = stale.delete()
    return per_model.get(User._meta.label, 0)
