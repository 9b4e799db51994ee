"""Everything that changes the monitor's state. Each function checks what it may, writes,
records who did it in the audit log and makes the cached pages stale."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import FIRST_YEAR, Enterprise, Membership
from enterprises.selectors import published
from lsa_portal import audit, fragment_cache
from lsa_portal.mail import absolute_url, send_templated

from . import selectors
from .models import MonitorEdition, ReportingRound, RoundInvitation, RoundReminder

if TYPE_CHECKING:
    from accounts.models import User

MAX_REMINDER_DAYS = 90
MAX_REMINDERS = 5


@transaction.atomic
def fix_edition(year: int, *, by: User, note: str = "") -> MonitorEdition:
    """Fix the monitor of ``year`` as it is now: its first edition, or (with a ``note`` that
    says what changed) a correction that replaces the figures shown. The figures are computed
    by ``enterprises.measures`` and kept as they are, so that later changes to the yearly
    figures show only through a next correction."""
    edition = _fix_edition(year, by=by, note=note)
    action = audit.Action.MONITOR_CORRECTED if edition.number > 1 else audit.Action.MONITOR_FIXED
    audit.record(by, action, edition, year=year, edition=edition.number)
    return edition


def _fix_edition(year: int, *, by: User, note: str) -> MonitorEdition:
    # The edition without its audit entry: closing a round fixes the monitor as part of that
    # one decision, and its ROUND_CLOSED entry names the edition.
    note = note.strip()
    latest = (
        MonitorEdition.objects.select_for_update()
        .filter(year=year)
        .aggregate(number=Max("number"))["number"]
    )
    if latest and not note:
        raise ValidationError(_("Say what was corrected: readers of the monitor see it."))
    round_ = ReportingRound.objects.filter(year=year).first()
    if round_ is not None and round_.is_open:
        raise ValidationError(
            _("The reporting round over %(year)s is open: closing it fixes the monitor.")
            % {"year": year}
        )
    data = selectors.compute(year)
    if data.overall.count == 0:
        raise ValidationError(_("No enterprise reported over %(year)s.") % {"year": year})
    edition = MonitorEdition.objects.create(
        year=year,
        number=(latest or 0) + 1,
        published_by=by,
        note=note,
        population=round_.invitations.count() if round_ else None,
        data=selectors.to_json(data),
    )
    fragment_cache.bump(selectors.MONITOR_FRAGMENTS)
    return edition


# --- Reporting rounds -------------------------------------------------------------------------


def parse_reminder_days(value: str | Iterable[int]) -> list[int]:
    """The reminder days as staff type them ('14,3', '14, 3', '3;14'), largest first and each
    once; a ValidationError in Dutch for anything else. Empty: no reminders."""
    parts: Iterable[str | int] = (
        value.replace(";", ",").split(",") if isinstance(value, str) else list[str | int](value)
    )
    days = set()
    for part in parts:
        text = str(part).strip()
        if not text:
            continue
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_REMINDER_DAYS:
            raise ValidationError(
                _(
                    "Give the reminders as whole numbers of days from 1 to %(max)s, separated "
                    "by commas (for example 14,3)."
                )
                % {"max": MAX_REMINDER_DAYS}
            )
        days.add(int(text))
    if len(days) > MAX_REMINDERS:
        raise ValidationError(
            _("At most %(max)s reminders per round.") % {"max": MAX_REMINDERS},
        )
    return sorted(days, reverse=True)


def _check_round(year: int, deadline: date, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= today.year:
        errors.setdefault("year", []).append(
            _("Choose a year that has ended, or this year (%(first)s to %(last)s).")
            % {"first": FIRST_YEAR, "last": today.year}
        )
    elif MonitorEdition.objects.filter(year=year).exists():
        errors.setdefault("year", []).append(
            _(
                "The monitor of %(year)s is fixed: publish a correction on its round's page "
                "instead of opening a new round."
            )
            % {"year": year}
        )
    elif ReportingRound.objects.filter(year=year).exists():
        errors.setdefault("year", []).append(
            _("There is already a reporting round for %(year)s.") % {"year": year}
        )
    if deadline <= today:
        errors.setdefault("deadline", []).append(_("Choose a deadline in the future."))
    return errors


def _member_addresses(enterprise_ids: Iterable[int]) -> dict[int, list[str]]:
    """The addresses of the owners and editors of each enterprise (active accounts), each
    address once per enterprise: one query for all of them."""
    addresses: dict[int, list[str]] = {}
    seen: set[tuple[int, str]] = set()
    rows = (
        Membership.objects.filter(enterprise_id__in=list(enterprise_ids), user__is_active=True)
        .exclude(user__email="")
        .order_by("enterprise_id", "role", "user__email")
        .values_list("enterprise_id", "user__email")
    )
    for enterprise_id, email in rows:
        key = (enterprise_id, email.strip().lower())
        if key in seen:
            continue
        seen.add(key)
        addresses.setdefault(enterprise_id, []).append(email)
    return addresses


def figures_url(enterprise: Enterprise, year: int) -> str:
    """The direct link to the enterprise's form for ``year`` (with last year's figures beside
    each field), for a mail."""
    return absolute_url(
        reverse("enterprises:figures_edit", kwargs={"slug": enterprise.slug, "year": year})
    )


def _mail_later(template: str, recipients: list[str], context: dict[str, Any]) -> None:
    # One mail per enterprise, sent after the commit; a mail server that refuses one does not
    # keep the others from going out (robust: the error is logged).
    transaction.on_commit(
        partial(send_templated, f"monitor/mail/{template}", recipients, context), robust=True
    )


def _invite(round_: ReportingRound, enterprises: list[Enterprise], now: datetime) -> int:
    """Invite ``enterprises`` to the round and mail their members the direct link to the
    year's form (after the commit). Enterprises kept by staff alone are invited unmailed."""
    addresses = _member_addresses(enterprise.pk for enterprise in enterprises)
    RoundInvitation.objects.bulk_create(
        RoundInvitation(
            round=round_,
            enterprise=enterprise,
            invited_at=now,
            recipients=len(addresses.get(enterprise.pk, [])),
        )
        for enterprise in enterprises
    )
    for enterprise in enterprises:
        recipients = addresses.get(enterprise.pk)
        if recipients:
            context = {
                "enterprise": enterprise.name,
                "year": round_.year,
                "deadline": round_.deadline,
                "url": figures_url(enterprise, round_.year),
            }
            _mail_later("round_opened", recipients, context)
    return len(enterprises)


@transaction.atomic
def open_round(
    *, year: int, deadline: date, reminder_days: str | Iterable[int], by: User
) -> ReportingRound:
    """Staff open the reporting round over ``year``: every published enterprise is invited and
    its owners and editors get a mail with the direct link to the year's figures form."""
    now = timezone.now()
    errors = _check_round(year, deadline, timezone.localdate(now))
    try:
        days = parse_reminder_days(reminder_days)
    except ValidationError as error:
        errors["reminder_days"] = error.messages
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            round_ = ReportingRound.objects.create(
                year=year,
                deadline=deadline,
                reminder_days=",".join(str(day) for day in days),
                opened_at=now,
                opened_by=by,
            )
    except IntegrityError as error:  # another member of staff was a moment earlier
        raise ValidationError(
            {"year": _("There is already a reporting round for %(year)s.") % {"year": year}}
        ) from error
    invited = _invite(round_, list(published().order_by("pk")), now)
    audit.record(
        by,
        audit.Action.ROUND_OPENED,
        round_,
        year=year,
        deadline=deadline.isoformat(),
        reminder_days=days,
        invited=invited,
    )
    fragment_cache.bump(selectors.MONITOR_FRAGMENTS)
    return round_


@dataclass
class ReminderRun:
    """What one daily run did: enterprises invited late, reminders sent."""

    invited: int = 0
    reminded: int = 0


def due_reminder(round_: ReportingRound, invited_on: date, today: date) -> int | None:
    """The reminder due today for an enterprise invited on ``invited_on``: the smallest number
    of days whose moment (the deadline minus those days) has come, counting only moments after
    the invitation (a round opened ten days before its deadline sends no 14-day reminder, and
    the day of the invitation is the day of the opening mail)."""
    if today > round_.deadline:
        return None
    due = [
        days
        for days in round_.reminders
        if invited_on < round_.deadline - timedelta(days=days) <= today
    ]
    return min(due) if due else None


def _invite_late(round_: ReportingRound, now: datetime) -> int:
    """Enterprises published since the round opened: invited now, with the opening mail."""
    late = list(published().exclude(round_invitations__round=round_).order_by("pk"))
    if late:
        _invite(round_, late, now)
    return len(late)


def _remind(round_: ReportingRound, now: datetime) -> int:
    today = timezone.localdate(now)
    waiting = (
        selectors.with_reported(round_.invitations.filter(enterprise__in=published()), round_)
        .filter(reported=False)
        .select_related("enterprise")
        .order_by("pk")
    )
    sent = set(
        RoundReminder.objects.filter(round=round_).values_list("enterprise_id", "days_before")
    )
    due = []
    for invitation in waiting:
        days = due_reminder(round_, timezone.localdate(invitation.invited_at), today)
        if days is not None and (invitation.enterprise_id, days) not in sent:
            due.append((invitation.enterprise, days))
    addresses = _member_addresses(enterprise.pk for enterprise, _days in due)
    due = [(enterprise, days) for enterprise, days in due if addresses.get(enterprise.pk)]
    # The rows first, in this transaction: a second run at the same time waits for the round's
    # lock and then finds them, or (without the lock) fails on the unique constraint before it
    # mails anything. Mails go after the commit.
    RoundReminder.objects.bulk_create(
        RoundReminder(round=round_, enterprise=enterprise, days_before=days, sent_at=now)
        for enterprise, days in due
    )
    for enterprise, _days in due:
        context = {
            "enterprise": enterprise.name,
            "year": round_.year,
            "deadline": round_.deadline,
            "days_left": (round_.deadline - today).days,
            "url": figures_url(enterprise, round_.year),
        }
        _mail_later("round_reminder", addresses[enterprise.pk], context)
    return len(due)


def send_reminders(now: datetime | None = None) -> ReminderRun:
    """The daily run (celery beat) over every open round until its deadline: enterprises
    published since the round opened are invited, and the reminder that is due goes to every
    invited enterprise that has not reported over the year and has not had it yet. Never the
    same reminder twice; nothing after the deadline."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    run = ReminderRun()
    open_rounds = ReportingRound.objects.filter(closed_at__isnull=True, deadline__gte=today)
    for pk in open_rounds.order_by("year").values_list("pk", flat=True):
        with transaction.atomic():
            round_ = ReportingRound.objects.select_for_update().get(pk=pk)
            if not round_.is_open:
                continue
            invited = _invite_late(round_, now)
            if invited:
                fragment_cache.bump(selectors.MONITOR_FRAGMENTS)  # the response rate changes
            run.invited += invited
            run.reminded += _remind(round_, now)
    return run


@transaction.atomic
def close_round(round_: ReportingRound, *, by: User) -> ReportingRound:
    """Staff close the round: the monitor of its year is fixed (its first edition). Later
    changes to the year's figures show only through a correction. One decision, one audit
    entry: ROUND_CLOSED names the edition it fixed (no separate MONITOR_FIXED)."""
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise ValidationError(_("This reporting round is already closed."))
    round_.closed_at = timezone.now()
    round_.closed_by = by
    round_.save(update_fields=["closed_at", "closed_by"])
    edition = _fix_edition(round_.year, by=by, note="")
    audit.record(
        by,
        audit.Action.ROUND_CLOSED,
        round_,
        year=round_.year,
        edition=edition.number,
        invited=edition.population,
        reported=edition.data["overall"]["count"],
    )
    return round_


@transaction.atomic
def publish_correction(year: int, *, by: User, note: str) -> MonitorEdition:
    """A correction of the fixed monitor of ``year``: a next edition with a note that says what
    changed, shown to every reader."""
    if not note.strip():
        raise ValidationError(_("Say what was corrected: readers of the monitor see it."))
    if not MonitorEdition.objects.filter(year=year).exists():
        raise ValidationError(
            _("The monitor of %(year)s is not fixed yet: there is nothing to correct.")
            % {"year": year}
        )
    return fix_edition(year, by=by, note=note)


@dataclass
class CsvExport:
    filename: str
    header: list[str]
    rows: list[list[Any]]


@transaction.atomic
def export_non_respondents(round_: ReportingRound, *, by: User) -> CsvExport:
    """The invited enterprises that have not reported, with whom to call, for staff; the export
    is in the audit log."""
    rows = [
        [
            item.enterprise.name,
            item.enterprise.municipality.name,
            item.enterprise.municipality.get_province_display(),
            item.enterprise.get_kind_display(),
            item.enterprise.contact_name,
            item.enterprise.contact_email,
            item.member_emails,
            item.reminders,
            absolute_url(item.enterprise.get_absolute_url()),
        ]
        for item in selectors.non_respondents(round_)
    ]
    audit.record(
        by,
        audit.Action.DATA_EXPORTED,
        round_,
        export="round_non_respondents",
        year=round_.year,
        rows=len(rows),
    )
    header = [
        _("enterprise"),
        _("municipality"),
        _("province"),
        _("kind"),
        _("contact person"),
        _("contact e-mail address"),
        _("members' e-mail addresses"),
        _("reminders sent (days before the deadline)"),
        _("profile"),
    ]
    return CsvExport(f"niet-gereageerd-{round_.year}.csv", header, rows)
