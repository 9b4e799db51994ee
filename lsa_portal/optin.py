"""Double opt-in for the portal's mailing lists (the newsletter, a municipality's digest).

A sign-up is a row with ``created_at`` (when it was last asked for) and ``confirmed_at`` (None
until the link in the confirmation mail is used): one representation of "confirmed" for every
list. Nothing is mailed to a row before it is confirmed; the nightly retention run deletes rows
that stay unconfirmed for ``confirm_days``.

The links are signed with Django's signing (``SECRET_KEY``), so no token is stored:

- the confirmation link is timestamped and expires after ``confirm_days``;
- the unsubscribe link carries no time: a link in an old mail must keep working.

Each list has its own salts, so a token of one list or purpose opens nothing else. This module
knows no app: an app describes its list with an ``OptIn`` and calls it from its services, which
add the mails, the audit entries and the caches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db import IntegrityError, models, transaction
from django.utils import timezone

# The list's model: what the methods return is the app's own model, for the app's type checks.
# (Its created_at and confirmed_at a bound cannot express: those three uses say type: ignore.)
SignupT = TypeVar("SignupT", bound=models.Model)


class LinkExpired(Exception):
    """A signed link that was genuine but is too old (or whose sign-up has gone since)."""


class LinkInvalid(Exception):
    """A signed link that was changed, cut short or made up."""


def _signed_pk(value: str) -> int:
    try:
        return int(value)
    except ValueError as error:  # signed by us, so never in practice; refuse all the same
        raise LinkInvalid from error


@dataclass(frozen=True)
class OptIn(Generic[SignupT]):
    """One mailing list's double opt-in on ``model`` (fields ``created_at``, ``confirmed_at``).

    ``legacy_lookup`` finds a row by a token from before the signed links (an old stored
    token): accepted for a transition, so that links in mails already sent keep working.
    """

    model: type[SignupT]
    confirm_salt: str
    unsubscribe_salt: str
    confirm_days: int = 7
    legacy_lookup: Callable[[str], SignupT | None] | None = None

    # --- Tokens ---------------------------------------------------------------------------------

    def confirm_token(self, signup: SignupT) -> str:
        return signing.TimestampSigner(salt=self.confirm_salt).sign(str(signup.pk))

    def unsubscribe_token(self, signup: SignupT) -> str:
        return signing.Signer(salt=self.unsubscribe_salt).sign(str(signup.pk))

    def _legacy(self, token: str) -> SignupT | None:
        if self.legacy_lookup is None or not token:
            return None
        return self.legacy_lookup(token)

    def pending(self, token: str) -> SignupT:
        """The sign-up a confirmation link stands for; ``LinkExpired`` when the link is too
        old or the sign-up went, ``LinkInvalid`` when the link is not ours."""
        try:
            value = signing.TimestampSigner(salt=self.confirm_salt).unsign(
                token, max_age=timedelta(days=self.confirm_days)
            )
        except signing.SignatureExpired as error:
            raise LinkExpired from error
        except signing.BadSignature as error:
            signup = self._legacy(token)
            if signup is None:
                raise LinkInvalid from error
            # An old token carries no time: the sign-up's own age stands in for it.
            if signup.created_at < timezone.now() - timedelta(days=self.confirm_days):  # type: ignore[attr-defined]
                raise LinkExpired from error
            return signup
        signup = self.model._default_manager.filter(pk=_signed_pk(value)).first()
        if signup is None:  # deleted by the retention run: expired in effect
            raise LinkExpired
        return signup

    def for_unsubscribe(self, token: str) -> SignupT | None:
        """The sign-up an unsubscribe link names; None when it has gone already.
        ``LinkInvalid`` when the link is not ours."""
        try:
            value = signing.Signer(salt=self.unsubscribe_salt).unsign(token)
        except signing.BadSignature as error:
            signup = self._legacy(token)
            if signup is None:
                raise LinkInvalid from error
            return signup
        return self.model._default_manager.filter(pk=_signed_pk(value)).first()

    # --- Changes (the app's service wraps these in its transaction, with its audit entry) ---

    def request(
        self, *, defaults: dict[str, Any], resend_unconfirmed: bool, **lookup: Any
    ) -> tuple[SignupT, bool]:
        """Ask for a sign-up: returns the row and whether a confirmation mail is due.

        A confirmed row gets no mail, so a form tells nobody who is subscribed. An unconfirmed
        row asked for again gets a new mail (and a new retention period) only when
        ``resend_unconfirmed``.
        """
        manager = self.model._default_manager
        try:
            with transaction.atomic():
                signup, created = manager.get_or_create(defaults=defaults, **lookup)
        except IntegrityError:  # asked for twice at once: the other request mails
            return manager.get(**lookup), False
        if created:
            return signup, True
        if signup.confirmed_at is not None or not resend_unconfirmed:  # type: ignore[attr-defined]
            return signup, False
        signup.created_at = timezone.now()  # type: ignore[attr-defined]
        signup.save(update_fields=["created_at"])
        return signup, True

    def confirm(self, token: str) -> tuple[SignupT, bool]:
        """The second step: the sign-up is confirmed. Returns it and whether it was confirmed
        just now (False when the link is used a second time). Raises as ``pending``."""
        signup = self.pending(token)
        # One conditional UPDATE: of two clicks at once, only one confirms (and sends a welcome).
        confirmed = self.model._default_manager.filter(
            pk=signup.pk, confirmed_at__isnull=True
        ).update(confirmed_at=timezone.now())
        signup.refresh_from_db()
        return signup, bool(confirmed)

    def unsubscribe(self, token: str) -> SignupT | None:
        """One click: the sign-up is deleted, address and all. Returns what it was (its ``pk``
        kept), or None when it had gone already: a second click changes nothing."""
        signup = self.for_unsubscribe(token)
        if signup is None:
            return None
        # Through the queryset, so that the instance keeps its pk for the caller's audit entry.
        deleted, _detail = self.model._default_manager.filter(pk=signup.pk).delete()
        return signup if deleted else None

    def confirmed(self) -> models.QuerySet[SignupT]:
        return self.model._default_manager.filter(confirmed_at__isnull=False)

    def delete_unconfirmed(self, now: datetime | None = None) -> int:
        """Retention: sign-ups never confirmed within ``confirm_days`` (their confirmation
        link has expired by then); returns how many went."""
        now = now or timezone.now()
        deleted, _detail = self.model._default_manager.filter(
            confirmed_at__isnull=True, created_at__lt=now - timedelta(days=self.confirm_days)
        ).delete()
        return deleted
