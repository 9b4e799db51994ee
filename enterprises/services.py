"""Everything that changes an enterprise's state. Each function checks the transition, writes,
records who did it (in the history) and sends the mail that goes with it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lsa_portal import audit
from lsa_portal.mail import absolute_url, send_templated

from . import figures, permissions
from .models import (
    INCOME_FIELDS,
    Enterprise,
    EnterpriseStatus,
    Invitation,
    Membership,
    MembershipRole,
    Municipality,
    YearFigures,
)
from .permissions import SUBMITTABLE_STATUSES, can_archive

INVITATION_DAYS = 14
RESERVED_SLUGS = {"aanmelden", "mijn", "benchmark", "beoordelen", "export", "uitnodiging"}


def unique_slug(name: str, exclude_pk: int | None = None) -> str:
    """A URL slug from the name, made unique with a number when taken."""
    base = slugify(name)[:150] or "wijkonderneming"
    if base in RESERVED_SLUGS:
        base = f"{base}-wijkonderneming"
    taken = set(
        Enterprise.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _save_by(enterprise: Enterprise, actor, **changes) -> None:
    for field, value in changes.items():
        setattr(enterprise, field, value)
    enterprise._history_user = actor
    enterprise.save()


def _mail(template: str, recipients: list[str], context: dict) -> None:
    send_templated(f"enterprises/mail/{template}", recipients, context)


_absolute = absolute_url


def member_emails(enterprise: Enterprise) -> list[str]:
    return list(enterprise.members.order_by("email").values_list("email", flat=True))


@transaction.atomic
def register(
    *, user, name: str, kind: str, municipality: Municipality, neighbourhood: str
) -> Enterprise:
    """First step of a registration: a concept enterprise with the user as its owner."""
    enterprise = Enterprise(
        name=name.strip(),
        slug=unique_slug(name),
        kind=kind,
        municipality=municipality,
        neighbourhood=neighbourhood.strip(),
    )
    enterprise._history_user = user
    enterprise.save()
    Membership.objects.create(enterprise=enterprise, user=user, role=MembershipRole.OWNER)
    return enterprise


def missing_for_submission(enterprise: Enterprise) -> list[str]:
    """What still has to be filled in before the enterprise can be submitted."""
    missing = []
    if not enterprise.pitch.strip():
        missing.append(_("a short pitch"))
    if not enterprise.mission.strip():
        missing.append(_("the mission"))
    if not enterprise.founded_year:
        missing.append(_("the year it was founded"))
    if not enterprise.themes.exists():
        missing.append(_("at least one theme"))
    return missing


@transaction.atomic
def submit(enterprise: Enterprise, *, by) -> Enterprise:
    """A member hands the enterprise in for review by staff."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.status not in SUBMITTABLE_STATUSES:
        raise ValidationError(_("Only a concept or a rejected registration can be submitted."))
    missing = missing_for_submission(enterprise)
    if missing:
        raise ValidationError(_("Still missing: %(items)s.") % {"items": ", ".join(missing)})
    _save_by(
        enterprise,
        by,
        status=EnterpriseStatus.SUBMITTED,
        submitted_at=timezone.now(),
        rejection_reason="",
    )
    return enterprise


@transaction.atomic
def publish(enterprise: Enterprise, *, by) -> Enterprise:
    """Staff publish a submitted enterprise; its members are told."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.status != EnterpriseStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted registration can be published."))
    _save_by(
        enterprise,
        by,
        status=EnterpriseStatus.PUBLISHED,
        published_at=timezone.now(),
        rejection_reason="",
    )
    audit.record(by, audit.Action.ENTERPRISE_PUBLISHED, enterprise)
    context = {"enterprise": enterprise, "url": _absolute(enterprise.get_absolute_url())}
    recipients = member_emails(enterprise)
    transaction.on_commit(lambda: _mail("published", recipients, context))
    return enterprise


@transaction.atomic
def reject(enterprise: Enterprise, *, by, reason: str) -> Enterprise:
    """Staff send a submitted enterprise back with a reason; its members are told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for rejection: the members read it."))
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.status != EnterpriseStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted registration can be rejected."))
    _save_by(enterprise, by, status=EnterpriseStatus.REJECTED, rejection_reason=reason)
    audit.record(by, audit.Action.ENTERPRISE_REJECTED, enterprise)
    context = {
        "enterprise": enterprise,
        "reason": reason,
        "url": _absolute(reverse("enterprises:edit", kwargs={"slug": enterprise.slug})),
    }
    recipients = member_emails(enterprise)
    transaction.on_commit(lambda: _mail("rejected", recipients, context))
    return enterprise


@transaction.atomic
def archive(enterprise: Enterprise, *, by) -> Enterprise:
    """Take an enterprise out of the directory, keeping its history. Staff may, and so may an
    owner (a last owner who leaves the portal archives it first)."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.status == EnterpriseStatus.ARCHIVED:
        raise ValidationError(_("This enterprise is already archived."))
    if not can_archive(by, enterprise):
        raise PermissionDenied
    previous = enterprise.status
    _save_by(enterprise, by, status=EnterpriseStatus.ARCHIVED)
    audit.record(by, audit.Action.ENTERPRISE_ARCHIVED, enterprise, previous_status=previous)
    return enterprise


def _fields_of(year_figures: YearFigures) -> dict:
    return {name: getattr(year_figures, name) for name in YEAR_FIGURE_FIELDS}


YEAR_FIGURE_FIELDS = (*INCOME_FIELDS, "expenses", "paid_staff_fte", "volunteers")


@transaction.atomic
def save_year_figures(year_figures: YearFigures, *, by) -> YearFigures:
    """Save one year of figures, flagging what looks implausible against the year before (for
    staff to check, never refused). Changed flags wait for a new check."""
    previous = YearFigures.objects.filter(
        enterprise_id=year_figures.enterprise_id, year=year_figures.year - 1
    ).first()
    flags = figures.implausible(
        _fields_of(year_figures), _fields_of(previous) if previous else None
    )
    if flags != year_figures.flags:
        year_figures.flags = flags
        year_figures.flags_checked_at = None
        year_figures.flags_checked_by = None
    year_figures._history_user = by
    year_figures.save()
    return year_figures


@transaction.atomic
def mark_figures_checked(year_figures: YearFigures, *, by) -> YearFigures:
    """Staff checked the flagged figures with the enterprise (or saw that they are right)."""
    year_figures.flags_checked_at = timezone.now()
    year_figures.flags_checked_by = by
    year_figures.save(update_fields=["flags_checked_at", "flags_checked_by"])
    audit.record(by, audit.Action.FIGURES_CHECKED, year_figures.enterprise, year=year_figures.year)
    return year_figures


@transaction.atomic
def invite_member(enterprise: Enterprise, *, by, email: str, role: str) -> Invitation:
    """An owner invites a co-member by e-mail; the link in the mail expires after 14 days."""
    if not permissions.can_manage_members(by, enterprise):
        raise PermissionDenied
    email = email.strip().lower()
    if enterprise.members.filter(email__iexact=email).exists():
        raise ValidationError(_("This person is already a member."))
    now = timezone.now()
    Invitation.objects.filter(
        enterprise=enterprise, email__iexact=email, accepted_at__isnull=True
    ).delete()  # a new invitation replaces an open one
    invitation = Invitation.objects.create(
        enterprise=enterprise,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=by,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    audit.record(by, audit.Action.MEMBER_INVITED, enterprise, invitation=invitation.pk, role=role)
    context = {
        "enterprise": enterprise,
        "invited_by": by,
        "expires_at": invitation.expires_at,
        "url": _absolute(reverse("enterprises:invitation", kwargs={"token": invitation.token})),
    }
    transaction.on_commit(lambda: _mail("invitation", [email], context))
    return invitation


@transaction.atomic
def withdraw_invitation(invitation: Invitation, *, by) -> None:
    """An owner withdraws an invitation that was not accepted yet: its link stops working."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."))
    audit.record(
        by, audit.Action.INVITATION_WITHDRAWN, invitation.enterprise, invitation=invitation.pk
    )
    invitation.delete()


def delete_expired_invitations(now=None) -> int:
    """Retention: invitations past their expiry, open or accepted (the membership itself stays),
    go with the address they were sent to."""
    now = now or timezone.now()
    deleted, _detail = Invitation.objects.filter(expires_at__lt=now).delete()
    return deleted


def invitation_is_open(invitation: Invitation) -> bool:
    """Not used yet, not expired, and its enterprise not archived (nobody joins one then)."""
    return (
        invitation.accepted_at is None
        and invitation.expires_at > timezone.now()
        and invitation.enterprise.status != EnterpriseStatus.ARCHIVED
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user) -> Membership:
    """The invited person (logged in) joins the enterprise."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=invitation.pk)
    )
    if not invitation_is_open(invitation):
        raise ValidationError(_("This invitation has expired or was already used."))
    membership, created = Membership.objects.get_or_create(
        enterprise=invitation.enterprise, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        audit.record(
            user,
            audit.Action.MEMBER_JOINED,
            invitation.enterprise,
            member=user.pk,
            role=membership.role,
            invitation=invitation.pk,
        )
    return membership


def _owner_count(enterprise: Enterprise) -> int:
    return Membership.objects.filter(enterprise=enterprise, role=MembershipRole.OWNER).count()


@transaction.atomic
def remove_member(membership: Membership, *, by) -> None:
    """An owner removes a member, or a member leaves. The last owner cannot go."""
    membership.enterprise = Enterprise.objects.select_for_update().get(pk=membership.enterprise_id)
    if not permissions.can_remove_member(by, membership):
        raise PermissionDenied
    if membership.role == MembershipRole.OWNER and _owner_count(membership.enterprise) <= 1:
        raise ValidationError(
            _(
                "The last owner cannot leave. Make another member owner first, "
                "or ask staff to archive the enterprise."
            )
        )
    membership._history_user = by
    audit.record(
        by,
        audit.Action.MEMBER_REMOVED,
        membership.enterprise,
        member=membership.user_id,
        role=membership.role,
        left=membership.user_id == by.pk,
    )
    membership.delete()


@transaction.atomic
def change_role(membership: Membership, *, by, role: str) -> Membership:
    """An owner makes a member owner or editor; there is always at least one owner."""
    enterprise = Enterprise.objects.select_for_update().get(pk=membership.enterprise_id)
    if not permissions.can_manage_members(by, enterprise):
        raise PermissionDenied
    if (
        membership.role == MembershipRole.OWNER
        and role != MembershipRole.OWNER
        and _owner_count(membership.enterprise) <= 1
    ):
        raise ValidationError(_("There must always be at least one owner."))
    previous = membership.role
    if previous == role:
        return membership
    membership.role = role
    membership._history_user = by
    membership.save(update_fields=["role"])
    audit.record(
        by,
        audit.Action.MEMBER_ROLE_CHANGED,
        membership.enterprise,
        member=membership.user_id,
        previous_role=previous,
        role=role,
    )
    return membership
