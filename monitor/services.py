"""Everything that changes the monitor's state. Each function checks what it may, writes,
records who did it in the audit log and makes the cached pages stale."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lsa_portal import audit, fragment_cache

from . import selectors
from .models import MonitorEdition, ReportingRound


@transaction.atomic
def fix_edition(year: int, *, by, note: str = "") -> MonitorEdition:
    """Fix the monitor of ``year`` as it is now: its first edition, or (with a ``note`` that
    says what changed) a correction that replaces the figures shown. The figures are computed
    by ``enterprises.measures`` and kept as they are, so that later changes to the yearly
    figures show only through a next correction."""
    note = note.strip()
    latest = (
        MonitorEdition.objects.select_for_update()
        .filter(year=year)
        .aggregate(number=Max("number"))["number"]
    )
    if latest and not note:
        raise ValidationError(_("Say what was corrected: readers of the monitor see it."))
    data = selectors.compute(year)
    if data.overall.count == 0:
        raise ValidationError(_("No enterprise reported over %(year)s.") % {"year": year})
    round_ = ReportingRound.objects.filter(year=year).first()
    edition = MonitorEdition.objects.create(
        year=year,
        number=(latest or 0) + 1,
        published_by=by,
        note=note,
        population=round_.invitations.count() if round_ else None,
        data=selectors.to_json(data),
    )
    action = audit.Action.MONITOR_CORRECTED if latest else audit.Action.MONITOR_FIXED
    audit.record(by, action, edition, year=year, edition=edition.number)
    fragment_cache.bump(selectors.MONITOR_FRAGMENTS)
    return edition
