"""Demo data of the monitor: the rounds over 2023 and 2024 closed (their monitors fixed), a round
over 2025 open with most enterprises reported, so that every page of the monitor has something
to show. Idempotent: what exists is left alone."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from enterprises.demo import _figures
from enterprises.models import Enterprise, EnterpriseStatus, YearFigures

from . import services
from .models import MonitorEdition, ReportingRound

DEMO_STAFF = "medewerker@example.org"
CLOSED = {2023: date(2024, 3, 31), 2024: date(2025, 3, 31)}
OPEN = 2025
REPORTED_SHARE = 0.7  # of the published demo enterprises, over the open round's year


def _report_open_year(rng: random.Random) -> int:
    """Figures over the open round's year for most published demo enterprises (the same ones
    on every run), a little up or down from the year before."""
    added = 0
    published = Enterprise.objects.filter(status=EnterpriseStatus.PUBLISHED).order_by("slug")
    have = set(YearFigures.objects.filter(year=OPEN).values_list("enterprise_id", flat=True))
    for enterprise in published:
        reports = rng.random() < REPORTED_SHARE
        scale = rng.choice([60_000, 150_000, 400_000, 900_000])
        if reports and enterprise.pk not in have:
            YearFigures.objects.bulk_create([_figures(rng, enterprise, OPEN, scale)])
            added += 1
    return added


def seed(log) -> None:
    staff = User.objects.filter(email=DEMO_STAFF).first()
    if staff is None:
        return
    for year, deadline in CLOSED.items():
        if not ReportingRound.objects.filter(year=year).exists():
            round_ = services.open_round(
                year=year,
                deadline=timezone.localdate() + timedelta(days=30),
                reminder_days="14,3",
                by=staff,
            )
            services.close_round(round_, by=staff)
            # As it was then: a round that ran for two months and closed a week after its
            # deadline, long ago.
            closed_at = timezone.make_aware(datetime.combine(deadline, time(12)))
            closed_at += timedelta(days=7)
            ReportingRound.objects.filter(pk=round_.pk).update(
                deadline=deadline, opened_at=closed_at - timedelta(days=67), closed_at=closed_at
            )
            MonitorEdition.objects.filter(year=year).update(published_at=closed_at)
            log(f"demo reporting round over {year}, closed")
    if not ReportingRound.objects.filter(year=OPEN).exists():
        services.open_round(
            year=OPEN,
            deadline=timezone.localdate() + timedelta(days=20),
            reminder_days="14,3",
            by=staff,
        )
        added = _report_open_year(random.Random(OPEN))  # noqa: S311 - demo data
        log(f"demo reporting round over {OPEN}, open; {added} enterprises reported")
