"""Everything that changes an enterprise's state. Each function checks the transition, writes,
records who did it (in the history) and sends the mail that goes with it."""

from __future__ import annotations

import enum
import re
import secrets
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from lsa_portal import audit, slugs
from lsa_portal.history import changed_by
from lsa_portal.mail import absolute_url, send_templated

from . import caches, figures, imports, permissions, signals
from .models import (
    INCOME_FIELDS,
    Asset,
    Enterprise,
    EnterpriseStatus,
    ImportBatch,
    ImportStatus,
    Invitation,
    Membership,
    MembershipRole,
    Municipality,
    YearFigures,
)
from .permissions import SUBMITTABLE_STATUSES, can_archive

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=models.Model)

INVITATION_DAYS = 14
RESERVED_SLUGS = {
    "aanmelden",
    "mijn",
    "benchmark",
    "beoordelen",
    "export",
    "uitnodiging",
    "importeren",
}


def _enterprise_slug(name: str, taken: QuerySet[Enterprise] | set[str]) -> str:
    """A URL slug from the name, made unique with a number when taken."""
    return slugs.unique_slug(
        name,
        taken,
        fallback="wijkonderneming",
        max_length=170,  # Enterprise.slug
        reserved=RESERVED_SLUGS,
        reserved_suffix="wijkonderneming",
    )


def _save_by(enterprise: Enterprise, by: User, **changes: Any) -> None:
    for field, value in changes.items():
        setattr(enterprise, field, value)
    changed_by(enterprise, by).save()
    caches.directory_changed()


def _mail(template: str, recipients: list[str], context: dict[str, Any]) -> None:
    send_templated(f"enterprises/mail/{template}", recipients, context)


_absolute = absolute_url


def member_emails(enterprise: Enterprise) -> list[str]:
    return list(enterprise.members.order_by("email").values_list("email", flat=True))


@transaction.atomic
def register(
    *, by: User, name: str, kind: str, municipality: Municipality, neighbourhood: str
) -> Enterprise:
    """First step of a registration: a concept enterprise with ``by`` as its owner."""
    enterprise = Enterprise(
        name=name.strip(),
        slug=_enterprise_slug(name, Enterprise.objects.all()),
        kind=kind,
        municipality=municipality,
        neighbourhood=neighbourhood.strip(),
    )
    changed_by(enterprise, by).save()
    Membership.objects.create(enterprise=enterprise, user=by, role=MembershipRole.OWNER)
    audit.record(by, audit.Action.ENTERPRISE_REGISTERED, enterprise)
    caches.directory_changed()
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
def submit(enterprise: Enterprise, *, by: User) -> Enterprise:
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
    audit.record(by, audit.Action.ENTERPRISE_SUBMITTED, enterprise)
    return enterprise


@transaction.atomic
def publish(enterprise: Enterprise, *, by: User) -> Enterprise:
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
def reject(enterprise: Enterprise, *, by: User, reason: str) -> Enterprise:
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
def archive(enterprise: Enterprise, *, by: User) -> Enterprise:
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


def _profile_value(enterprise: Enterprise, name: str) -> Any:
    """A profile field as it can be compared before and after a save."""
    if name == "themes":
        return set(enterprise.themes.values_list("pk", flat=True))
    value = getattr(enterprise, name)
    return value.name if name == "logo" else value


@transaction.atomic
def update_profile(enterprise: Enterprise, *, by: User, changes: Mapping[str, Any]) -> Enterprise:
    """Members (and staff while they keep it) save the profile: ``changes`` holds a field's
    new value by name, as a ``ProfileForm`` cleans it (a logo: a new upload, ``False`` to clear
    it, ``None`` to keep it; themes: the chosen ones).

    Only these fields are written, onto the row as it is now (locked): a status that staff
    changed since the form was opened stays."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if not permissions.can_edit(by, enterprise):
        raise PermissionDenied
    before = {name: _profile_value(enterprise, name) for name in changes}
    many: dict[models.Field[Any, Any], Any] = {}
    for name, value in changes.items():
        field = Enterprise._meta.get_field(name)
        if not isinstance(field, models.Field):  # a reverse relation: no form field saves it
            raise TypeError(f"{name} is not a field of the profile")
        if field.many_to_many:
            many[field] = value
        else:
            field.save_form_data(enterprise, value)  # as a model form would
    _save_by(enterprise, by)
    for field, value in many.items():
        field.save_form_data(enterprise, value)  # a history record of its own, by ``by``
    if many:
        caches.directory_changed()  # the themes changed after _save_by's bump
    changed = sorted(name for name in changes if _profile_value(enterprise, name) != before[name])
    audit.record(by, audit.Action.ENTERPRISE_PROFILE_CHANGED, enterprise, fields=changed)
    return enterprise


def _editable_enterprise_of(asset: Asset, by: User) -> Enterprise:
    """The asset's enterprise (locked), if ``by`` may edit it and the asset is one of its own."""
    enterprise = Enterprise.objects.select_for_update().get(pk=asset.enterprise_id)
    if not permissions.can_edit(by, enterprise):
        raise PermissionDenied
    if asset.pk is not None and not enterprise.assets.filter(pk=asset.pk).exists():
        raise PermissionDenied
    return enterprise


@transaction.atomic
def save_asset(asset: Asset, *, by: User) -> Asset:
    """Add an asset to its enterprise, or save one that is changed (``asset`` holds the new
    values, e.g. from an ``AssetForm``)."""
    enterprise = _editable_enterprise_of(asset, by)
    added = asset.pk is None
    changed_by(asset, by).save()
    caches.directory_changed()
    action = audit.Action.ASSET_ADDED if added else audit.Action.ASSET_CHANGED
    audit.record(by, action, enterprise, asset=asset.pk, kind=asset.kind)
    return asset


@transaction.atomic
def delete_asset(asset: Asset, *, by: User) -> None:
    """Remove an asset from its enterprise; its history stays."""
    enterprise = _editable_enterprise_of(asset, by)
    audit.record(by, audit.Action.ASSET_REMOVED, enterprise, asset=asset.pk, kind=asset.kind)
    changed_by(asset, by).delete()
    caches.directory_changed()


def _fields_of(year_figures: YearFigures) -> dict[str, Any]:
    return {name: getattr(year_figures, name) for name in YEAR_FIGURE_FIELDS}


YEAR_FIGURE_FIELDS = (*INCOME_FIELDS, "expenses", "paid_staff_fte", "volunteers")


def _flag(year_figures: YearFigures, previous: YearFigures | None) -> None:
    """Flag what looks implausible against the year before; changed flags wait for a new
    check. (The form and the import both save figures through this.)"""
    flags = figures.implausible(
        _fields_of(year_figures), _fields_of(previous) if previous else None
    )
    if flags != year_figures.flags:
        year_figures.flags = flags
        year_figures.flags_checked_at = None
        year_figures.flags_checked_by = None


@transaction.atomic
def save_year_figures(year_figures: YearFigures, *, by: User) -> YearFigures:
    """Save one year of figures, flagging what looks implausible against the year before (for
    staff to check, never refused). Changed flags wait for a new check."""
    previous = YearFigures.objects.filter(
        enterprise_id=year_figures.enterprise_id, year=year_figures.year - 1
    ).first()
    _flag(year_figures, previous)
    added = year_figures.pk is None
    changed_by(year_figures, by).save()
    caches.directory_changed()
    audit.record(
        by,
        audit.Action.FIGURES_SAVED,
        year_figures.enterprise,
        year=year_figures.year,
        added=added,
        flags=sorted(year_figures.flags),
    )
    return year_figures


@transaction.atomic
def mark_figures_checked(year_figures: YearFigures, *, by: User) -> YearFigures:
    """Staff checked the flagged figures with the enterprise (or saw that they are right)."""
    year_figures.flags_checked_at = timezone.now()
    year_figures.flags_checked_by = by
    changed_by(year_figures, by).save(update_fields=["flags_checked_at", "flags_checked_by"])
    caches.directory_changed()
    audit.record(by, audit.Action.FIGURES_CHECKED, year_figures.enterprise, year=year_figures.year)
    return year_figures


@transaction.atomic
def invite_member(enterprise: Enterprise, *, by: User, email: str, role: str) -> Invitation:
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
def withdraw_invitation(invitation: Invitation, *, by: User) -> None:
    """An owner withdraws an invitation that was not accepted yet: its link stops working."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."))
    audit.record(
        by, audit.Action.INVITATION_WITHDRAWN, invitation.enterprise, invitation=invitation.pk
    )
    invitation.delete()


def delete_expired_invitations(now: datetime | None = None) -> int:
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


class InvitationForSomeoneElse(PermissionDenied):
    """The account has not verified the address the invitation was sent to: whoever holds the
    link is not necessarily the person it was sent to."""


class InvitedAddress(enum.Enum):
    """How an account stands to the address of an invitation."""

    VERIFIED = "verified"  # one of the account's confirmed addresses: it may accept
    UNVERIFIED = "unverified"  # on the account, not confirmed yet
    ELSEWHERE = "elsewhere"  # not on the account


def invited_address(invitation: Invitation, user: User) -> InvitedAddress:
    """Whether ``user`` holds the address ``invitation`` was sent to (case-insensitive)."""
    found = EmailAddress.objects.filter(user=user, email__iexact=invitation.email).values_list(
        "verified", flat=True
    )
    if not found:
        return InvitedAddress.ELSEWHERE
    return InvitedAddress.VERIFIED if any(found) else InvitedAddress.UNVERIFIED


@transaction.atomic
def accept_invitation(invitation: Invitation, *, by: User) -> Membership:
    """The invited person (logged in, with the invited address verified) joins the enterprise.
    Anyone else who holds the link gets ``InvitationForSomeoneElse``."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=invitation.pk)
    )
    if not invitation_is_open(invitation):
        raise ValidationError(_("This invitation has expired or was already used."))
    if invited_address(invitation, by) is not InvitedAddress.VERIFIED:
        raise InvitationForSomeoneElse
    membership, created = Membership.objects.get_or_create(
        enterprise=invitation.enterprise, user=by, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        audit.record(
            by,
            audit.Action.MEMBER_JOINED,
            invitation.enterprise,
            member=by.pk,
            role=membership.role,
            invitation=invitation.pk,
        )
    return membership


def _owner_count(enterprise: Enterprise) -> int:
    return Membership.objects.filter(enterprise=enterprise, role=MembershipRole.OWNER).count()


@transaction.atomic
def remove_member(membership: Membership, *, by: User) -> None:
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
    changed_by(membership, by)
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
def change_role(membership: Membership, *, by: User, role: str) -> Membership:
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
    changed_by(membership, by).save(update_fields=["role"])
    audit.record(
        by,
        audit.Action.MEMBER_ROLE_CHANGED,
        membership.enterprise,
        member=membership.user_id,
        previous_role=previous,
        role=role,
    )
    return membership


# --- Import from the association's spreadsheets -----------------------------------------------

IMPORT_PREVIEW_DAYS = 7  # a preview nobody confirmed goes after this many days
IMPORT_BATCH_SIZE = 500
_IMPORT_LOCK = 7_140_514  # PostgreSQL advisory lock: one import is applied at a time


class ImportOutdated(ValidationError):
    """The portal changed since the preview: the batch now holds the new preview."""


def _clean_file_name(name: str) -> str:
    """The name as shown in lists: no folders, no control characters, at most 200 long."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]", "", base)[:200] or "bestand"


def preview_import(sheet: imports.Sheet, *, by: User, file_name: str) -> ImportBatch:
    """Plan an uploaded sheet against the portal and keep the plan as a preview. Nothing else
    is written until staff confirm it (``apply_import``)."""
    if not permissions.can_import(by):
        raise PermissionDenied
    batch = ImportBatch(
        uploaded_by=by, file_name=_clean_file_name(file_name), plan=imports.make_plan(sheet)
    )
    batch.set_counts()
    batch.save()
    return batch


def _one_import_at_a_time() -> None:
    """Two previews of the same file confirmed at once would both create its new enterprises:
    on PostgreSQL the second waits for the first (and then finds them). SQLite writes one
    transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK])


def apply_import(batch: ImportBatch, *, by: User) -> ImportBatch:
    """Apply a previewed import, exactly as it was shown, in one transaction: nothing is half
    written. The rows are planned again against the portal as it is now; if any outcome,
    change or value differs from the preview, nothing is written and the batch keeps the new
    plan (``ImportOutdated``: staff look at the new preview). A batch is applied once.

    New enterprises are published (the association vouches for them) without members: staff
    keep them until a resident takes one over through an invitation. Enterprises and figures
    are written in bulk, each with its history record (user: ``by``); yearly figures get the
    implausibility flags the form gives them. One audit entry with the counts."""
    if not permissions.can_import(by):
        raise PermissionDenied
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.PREVIEW:
            raise ValidationError(
                _("This import was already applied or discarded."), code="not_a_preview"
            )
        _one_import_at_a_time()
        locked = imports.enterprise_ids(batch.plan)
        list(Enterprise.objects.select_for_update().filter(pk__in=locked).values_list("pk"))
        snapshot = imports.load_reference()
        fresh = imports.make_plan(imports.sheet_of(batch.plan), snapshot)
        outdated = imports.comparable(fresh) != imports.comparable(batch.plan)
        if outdated:
            batch.plan = fresh
            batch.set_counts()
            batch.save()
        else:
            failing = imports.rows_with_errors(fresh)
            if failing:
                raise ValidationError(import_errors_message(failing), code="rows_with_errors")
            now = timezone.now()
            counts, created = _write_import(fresh["actions"], by=by, reason=f"import {batch.pk}")
            fresh["created"] = {str(ref): pk for ref, pk in created.items()}
            fresh["applied"] = counts
            batch.plan = imports.summary(fresh)
            batch.set_counts()
            batch.status = ImportStatus.APPLIED
            batch.applied_at = now
            batch.applied_by = by
            batch.save()
            audit.record(
                by,
                audit.Action.DATA_IMPORTED,
                batch,
                rows=batch.row_count,
                unchanged=batch.unchanged_count,
                skipped=batch.skipped_count,
                **counts,
            )
            caches.directory_changed()  # bulk writes send no post_save
            signals.enterprises_changed_in_bulk.send(sender=Enterprise)  # for the apps above
    if outdated:
        raise ImportOutdated(
            _(
                "The portal changed since this preview was made, so nothing was imported. "
                "This is the new preview: check it and confirm again."
            ),
            code="outdated",
        )
    return batch


def import_errors_message(rows: list[int]) -> str:
    """'Rows 4, 17 and 20 have an error...' (at most ten numbers, then how many more)."""
    shown = [str(number) for number in rows[:10]]
    listed = ", ".join(shown)
    if len(rows) > 10:
        listed += " " + _("and %(count)s more") % {"count": len(rows) - 10}
    return _(
        "Rows with an error: %(rows)s. Correct them in the file and upload it again: nothing "
        "has been imported yet."
    ) % {"rows": listed}


def _write_import(
    actions: dict[str, Any], *, by: User, reason: str
) -> tuple[dict[str, int], dict[int, int]]:
    """Write a plan's actions; returns the counts and the new enterprises' ids by reference."""
    now = timezone.now()
    created = _create_enterprises(actions["create"], now=now)
    updated = _update_enterprises(actions["update"], now=now)
    _enterprise_history([*created.values()], [*updated], by=by, reason=reason, now=now)
    figures_created, figures_updated = _write_year_figures(
        actions, {ref: enterprise.pk for ref, enterprise in created.items()}, by, reason, now
    )
    counts = {
        "enterprises_created": len(created),
        "enterprises_updated": len(updated),
        "figures_created": figures_created,
        "figures_updated": figures_updated,
    }
    return counts, {ref: enterprise.pk for ref, enterprise in created.items()}


def _set_themes(themes_by_enterprise: dict[int, list[int]]) -> None:
    through = Enterprise.themes.through
    through.objects.filter(enterprise_id__in=list(themes_by_enterprise)).delete()
    through.objects.bulk_create(
        [
            through(enterprise_id=enterprise_id, theme_id=theme_id)
            for enterprise_id, themes in themes_by_enterprise.items()
            for theme_id in themes
        ],
        batch_size=IMPORT_BATCH_SIZE,
    )


def _create_enterprises(items: list[dict[str, Any]], *, now: datetime) -> dict[int, Enterprise]:
    """The new enterprises: published, without members, each with a free slug."""
    taken = set(Enterprise.objects.values_list("slug", flat=True))
    new = []
    for item in items:
        slug = _enterprise_slug(item["values"]["name"], taken)
        taken.add(slug)
        new.append(
            Enterprise(
                **item["values"],
                slug=slug,
                status=EnterpriseStatus.PUBLISHED,
                published_at=now,
            )
        )
    Enterprise.objects.bulk_create(new, batch_size=IMPORT_BATCH_SIZE)
    _set_themes(
        {enterprise.pk: item["themes"] for item, enterprise in zip(items, new, strict=True)}
    )
    return {item["ref"]: enterprise for item, enterprise in zip(items, new, strict=True)}


def _update_in_bulk(model: type[M], objects: list[M], fields: set[str]) -> None:
    """Write changed rows back in bulk as INSERT ... ON CONFLICT (id) DO UPDATE of ``fields``
    (PostgreSQL and SQLite): every row exists and is locked, so each insert becomes the update
    of its row. Django's bulk_update builds a CASE of every row for every field instead, which
    took half a minute for 5,000 yearly figures."""
    # An insert stamps the objects' auto_now_add fields with the present; the rows keep theirs
    # (not updated), and so must the objects, which their history records copy.
    stamped = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    kept = [[getattr(obj, name) for name in stamped] for obj in objects]
    model._default_manager.bulk_create(
        objects,
        batch_size=IMPORT_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=sorted(fields),
    )
    for obj, values in zip(objects, kept, strict=True):
        for name, value in zip(stamped, values, strict=True):
            setattr(obj, name, value)


def _update_enterprises(items: list[dict[str, Any]], *, now: datetime) -> list[Enterprise]:
    by_pk = {item["enterprise"]: item for item in items}
    enterprises = list(Enterprise.objects.filter(pk__in=list(by_pk)))
    fields = {"updated_at"}
    for enterprise in enterprises:
        for name, value in by_pk[enterprise.pk]["values"].items():
            setattr(enterprise, name, value)
            fields.add(name)
        enterprise.updated_at = now
    _update_in_bulk(Enterprise, enterprises, fields)
    _set_themes({pk: item["themes"] for pk, item in by_pk.items() if item["themes"] is not None})
    return enterprises


def _enterprise_history(
    created: list[Enterprise], updated: list[Enterprise], *, by: User, reason: str, now: datetime
) -> None:
    """A history record per enterprise ('+' for new, '~' for changed) with the themes as they
    now are, as saving one by one would leave (bulk writes send no signals)."""
    manager = Enterprise.history
    records = [
        *manager.bulk_history_create(
            created, default_user=by, default_change_reason=reason, default_date=now
        ),
        *manager.bulk_history_create(
            updated,
            update=True,
            default_user=by,
            default_change_reason=reason,
            default_date=now,
        ),
    ]
    through = Enterprise.themes.through
    themes = defaultdict(list)
    for pk, enterprise_id, theme_id in through.objects.filter(
        enterprise_id__in=[record.id for record in records]
    ).values_list("pk", "enterprise_id", "theme_id"):
        themes[enterprise_id].append((pk, theme_id))
    historical_themes = manager.model.themes.model
    historical_themes.objects.bulk_create(
        [
            historical_themes(
                history_id=record.history_id, id=pk, enterprise_id=record.id, theme_id=theme_id
            )
            for record in records
            for pk, theme_id in themes[record.id]
        ],
        batch_size=IMPORT_BATCH_SIZE,
    )


def _figure_value(name: str, value: Any) -> Any:
    return Decimal(value) if name == "paid_staff_fte" else value


def _write_year_figures(
    actions: dict[str, Any], new_pks: dict[int, int], by: User, reason: str, now: datetime
) -> tuple[int, int]:
    """Yearly figures created and updated in bulk, each flagged as ``save_year_figures``
    flags it (against the year before: from this import, or as the portal has it)."""

    def enterprise_of(item: dict[str, Any]) -> int:
        return item["enterprise"] if "enterprise" in item else new_pks[item["new"]]

    existing_ids = {item["enterprise"] for item in actions["figures_update"]}
    existing_ids |= {
        item["enterprise"] for item in actions["figures_create"] if "enterprise" in item
    }
    existing = {
        (row.enterprise_id, row.year): row
        for row in YearFigures.objects.filter(enterprise_id__in=list(existing_ids))
    }
    written: dict[tuple[int, int], YearFigures] = {}
    to_create, to_update, fields = [], [], set()
    for item in actions["figures_create"]:
        values = {name: _figure_value(name, value) for name, value in item["values"].items()}
        row = YearFigures(enterprise_id=enterprise_of(item), year=item["year"], **values)
        to_create.append(row)
        written[(row.enterprise_id, row.year)] = row
    for item in actions["figures_update"]:
        row = existing[(item["enterprise"], item["year"])]
        for name, value in item["values"].items():
            setattr(row, name, _figure_value(name, value))
            fields.add(name)
        to_update.append(row)
        written[(row.enterprise_id, row.year)] = row
    for (enterprise_id, year), row in written.items():
        previous = written.get((enterprise_id, year - 1)) or existing.get((enterprise_id, year - 1))
        _flag(row, previous)
        row.updated_at = now
    history = {"default_user": by, "default_change_reason": reason, "default_date": now}
    bulk_create_with_history(to_create, YearFigures, batch_size=IMPORT_BATCH_SIZE, **history)
    if to_update:
        _update_in_bulk(
            YearFigures,
            to_update,
            fields | {"flags", "flags_checked_at", "flags_checked_by", "updated_at"},
        )
        YearFigures.history.bulk_history_create(
            to_update, update=True, batch_size=IMPORT_BATCH_SIZE, **history
        )
    return len(to_create), len(to_update)


@transaction.atomic
def discard_import(batch: ImportBatch, *, by: User) -> ImportBatch:
    """Staff throw a preview away: its rows go at once, its counts stay in the list."""
    if not permissions.can_import(by):
        raise PermissionDenied
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEW:
        raise ValidationError(
            _("This import was already applied or discarded."), code="not_a_preview"
        )
    batch.status = ImportStatus.DISCARDED
    batch.plan = {"counts": batch.plan.get("counts", {})}
    batch.save(update_fields=["status", "plan"])
    audit.record(by, audit.Action.IMPORT_DISCARDED, batch, rows=batch.row_count)
    return batch


def delete_stale_imports(now: datetime | None = None) -> int:
    """Retention: previews nobody confirmed, and discarded ones, go after seven days (the
    applied ones stay: they are the record of what was imported)."""
    now = now or timezone.now()
    deleted, _detail = ImportBatch.objects.filter(
        status__in=[ImportStatus.PREVIEW, ImportStatus.DISCARDED],
        created_at__lt=now - timedelta(days=IMPORT_PREVIEW_DAYS),
    ).delete()
    return deleted
