"""Every change of an officer's link to a municipality, and of who follows its monthly digest
(the double opt-in itself is ``lsa_portal.optin``; the digest's sending is ``digest.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_municipal_officer
from enterprises.models import Municipality
from lsa_portal import audit
from lsa_portal.mail import absolute_url
from lsa_portal.optin import LinkExpired, LinkInvalid, OptIn

from . import permissions
from .models import Follower, LinkStatus, OfficerLink

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# A sign-up by e-mail that is not confirmed within this many days is deleted (retention).
CONFIRM_DAYS = 7


def _legacy_follower(token: str) -> Follower | None:
    # The stored random token of the links in mails sent before the links were signed.
    return Follower.objects.filter(legacy_token=token).select_related("municipality").first()


FOLLOWERS = OptIn(
    model=Follower,
    confirm_salt="municipalities.follow-confirm",
    unsubscribe_salt="municipalities.follow-unsubscribe",
    confirm_days=CONFIRM_DAYS,
    legacy_lookup=_legacy_follower,
)


def email_domain_matches(email: str, municipality: Municipality) -> bool:
    """Whether the address is on a domain like ``utrecht.nl`` for Utrecht: a hint for staff,
    never enough to approve a link on its own (anyone can register such a look-alike)."""
    domain = email.rpartition("@")[2].lower()
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    name = labels[-2]
    return name in {municipality.slug, municipality.slug.replace("-", "")}


@transaction.atomic
def request_link(
    municipality: Municipality, *, by: User, job_title: str, motivation: str = ""
) -> OfficerLink:
    """An officer (``by``) asks to be linked to a municipality; staff decide. Asking again
    after a rejection puts the request back in the queue."""
    if not permissions.can_request_link(by):
        raise ValidationError(_("Only municipal officers can ask to be linked to a municipality."))
    link, created = OfficerLink.objects.get_or_create(
        user=by,
        municipality=municipality,
        defaults={
            "job_title": job_title,
            "motivation": motivation,
            "domain_matches": email_domain_matches(by.email, municipality),
        },
    )
    if not created:
        if link.status == LinkStatus.APPROVED:
            raise ValidationError(_("You are already linked to this municipality."))
        link.status = LinkStatus.REQUESTED
        link.job_title, link.motivation = job_title, motivation
        link.domain_matches = email_domain_matches(by.email, municipality)
        link.decided_at = link.decided_by = None
        link.save()
    audit.record(
        by,
        audit.Action.OFFICER_LINK_REQUESTED,
        link.municipality,
        officer=by.pk,
        again=not created,
        domain_matches=link.domain_matches,
    )
    return link


@transaction.atomic
def decide_link(link: OfficerLink, *, by: User, approve: bool) -> OfficerLink:
    """Staff approve or reject a requested link; the officer hears by mail."""
    if not permissions.can_decide_links(by):
        raise ValidationError(_("Only staff of the association decide on links."))
    if link.status != LinkStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    link.status = LinkStatus.APPROVED if approve else LinkStatus.REJECTED
    link.decided_at = timezone.now()
    link.decided_by = by
    link.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(
        by,
        audit.Action.OFFICER_LINK_DECIDED,
        link.municipality,
        officer=link.user_id,
        approved=approve,
    )
    page = settings.PORTAL_BASE_URL + reverse(
        "municipalities:detail", kwargs={"slug": link.municipality.slug}
    )
    if approve:
        subject = _("You are linked to the municipality of %(name)s") % {
            "name": link.municipality.name
        }
        body = _(
            "Staff of the association linked your account to %(name)s. On %(page)s you now see "
            "the contact persons of the enterprises that agreed, and you can download the data."
        ) % {"name": link.municipality.name, "page": page}
    else:
        subject = _("Your request for %(name)s was not approved") % {"name": link.municipality.name}
        body = _(
            "Staff of the association could not confirm that you work for %(name)s. Reply to "
            "this mail if you think this is a mistake."
        ) % {"name": link.municipality.name}
    email = link.user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return link


@transaction.atomic
def record_export(municipality: Municipality, *, by: User, file_format: str) -> None:
    """An officer downloads the municipality's data with the consented contact persons: the
    download is in the audit log."""
    audit.record(
        by, audit.Action.DATA_EXPORTED, municipality, export="municipality", format=file_format
    )


# --- Following: the monthly digest ------------------------------------------------------------


def confirm_url(follower: Follower) -> str:
    token = FOLLOWERS.confirm_token(follower)
    return absolute_url(reverse("municipalities:follow_confirm", kwargs={"token": token}))


def unfollow_url(follower: Follower) -> str:
    token = FOLLOWERS.unsubscribe_token(follower)
    return absolute_url(reverse("municipalities:unfollow", kwargs={"token": token}))


@transaction.atomic
def follow_as_officer(municipality: Municipality, *, by: User) -> Follower:
    """An officer follows with their verified account address: no confirmation needed."""
    if not is_municipal_officer(by):
        raise ValidationError(_("Only municipal officers can follow with their account."))
    follower, created = Follower.objects.get_or_create(
        municipality=municipality,
        email=by.email.lower(),
        defaults={"user": by, "confirmed_at": timezone.now()},
    )
    if not created and follower.confirmed_at is not None:
        return follower
    if not created:  # asked for by e-mail before: the account confirms it
        follower.confirmed_at = timezone.now()
        follower.user = by
        follower.save(update_fields=["confirmed_at", "user"])
    audit.record(
        by, audit.Action.DIGEST_FOLLOWED, municipality, follower=follower.pk, channel="account"
    )
    return follower


@transaction.atomic
def follow_by_email(
    email: str, municipality: Municipality, *, by: User | AnonymousUser | None
) -> Follower | None:
    """Anyone: a confirmation mail first; nothing is sent before the link in it is opened.
    Says nothing about whether the address already followed (no address harvesting): an
    address that follows or waits for its confirmation gets no new mail (None)."""
    email = email.strip().lower()
    follower, mail_due = FOLLOWERS.request(
        municipality=municipality, email=email, defaults={}, resend_unconfirmed=False
    )
    if not mail_due:
        return None
    audit.record(
        by, audit.Action.DIGEST_FOLLOWED, municipality, follower=follower.pk, channel="email"
    )
    subject = _("Confirm: monthly news from %(name)s") % {"name": municipality.name}
    body = _(
        "Someone (hopefully you) asked for the monthly digest of the neighbourhood enterprises "
        "in %(name)s. Confirm with this link:\n\n%(link)s\n\nDid you not ask for it? Then do "
        "nothing: without confirmation you receive nothing."
    ) % {"name": municipality.name, "link": confirm_url(follower)}
    transaction.on_commit(lambda: EmailMessage(subject, body, to=[email]).send())
    return follower


def follower_to_confirm(token: str) -> Follower | None:
    """The sign-up a confirmation link stands for (None: not ours, too old, or gone)."""
    try:
        return FOLLOWERS.pending(token)
    except (LinkExpired, LinkInvalid):
        return None


@transaction.atomic
def confirm_follow(token: str, *, by: User | AnonymousUser | None) -> Follower | None:
    """The second step of the opt-in: from now on the digest is sent (None: not ours, too
    old, or gone). A second use of the link changes nothing."""
    try:
        follower, confirmed_now = FOLLOWERS.confirm(token)
    except (LinkExpired, LinkInvalid):
        return None
    if confirmed_now:
        audit.record(by, audit.Action.DIGEST_CONFIRMED, follower.municipality, follower=follower.pk)
    return follower


@transaction.atomic
def unfollow(token: str, *, by: User | AnonymousUser | None) -> Municipality | None:
    """One click: the follower is deleted, address and all (None: not ours, or gone)."""
    try:
        follower = FOLLOWERS.unsubscribe(token)
    except LinkInvalid:
        return None
    if follower is None:
        return None
    audit.record(by, audit.Action.DIGEST_UNFOLLOWED, follower.municipality, follower=follower.pk)
    return follower.municipality


def delete_unconfirmed_followers(now: datetime | None = None) -> int:
    """Retention: sign-ups by e-mail never confirmed within ``CONFIRM_DAYS``; returns how many
    went (their confirmation link then leads nowhere)."""
    return FOLLOWERS.delete_unconfirmed(now)
