"""The staff dashboard and a pioneer page with the demo data ×10: 50 pioneers (five cohorts'
worth in one cohort), each with three years of quarterly readings, milestones, log entries,
support items and lessons. Queries and median server time against the bare 25-row page."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.roles import make_staff
from enterprises.models import Enterprise, EnterpriseStatus, Municipality
from pioneers.models import (
    Area,
    Cohort,
    Element,
    Expert,
    Lesson,
    LogEntry,
    Milestone,
    MilestoneStatus,
    Pioneer,
    Reading,
    ReadingValue,
    SupportItem,
)
from tests.bench.common import analyze, measure, measure_against_bare, with_bare_page

SIZES = (5, 50)  # pioneers: the demo, and the demo ×10
TARGET_QUERIES = 15
TARGET_RATIO = 3.0
REPEAT = 60  # requests of each page (and as many of the bare page in between)


def _grow_to(size: int, cohort: Cohort, rng: random.Random, staff) -> None:
    existing = Pioneer.objects.count()
    municipality = Municipality.objects.order_by("pk").first()
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"Bench Pionier {number:03d}",
                slug=f"bench-pionier-{number:03d}",
                kind="bewonersbedrijf",
                municipality=municipality,
                neighbourhood="Benchwijk",
                status=EnterpriseStatus.PUBLISHED,
                published_at=timezone.now(),
            )
            for number in range(existing, size)
        ]
    )
    pioneers = Pioneer.objects.bulk_create(
        [
            Pioneer(
                enterprise=e,
                cohort=cohort,
                slug=e.slug,
                started_on=cohort.period_start,
                ambition="Het buurthuis kopen en de wijk laten verdienen.",
                flywheel_type="gebouw-kopen",
                flywheel_plan="Met obligaties voor buren.",
            )
            for e in enterprises
        ]
    )
    elements = list(Element.objects.filter(pioneer__isnull=True))
    areas = list(Area.objects.all())
    experts = list(Expert.objects.all())
    today = timezone.localdate()
    days = [cohort.period_start + timedelta(days=91 * q) for q in range(12)]
    for pioneer in pioneers:
        readings = Reading.objects.bulk_create(
            [Reading(pioneer=pioneer, taken_on=day, taken_by=staff) for day in days]
        )
        ReadingValue.objects.bulk_create(
            [
                ReadingValue(reading=r, element=e, position=rng.randint(0, 100))
                for r in readings
                for e in elements
            ]
        )
        Milestone.objects.bulk_create(
            [
                Milestone(
                    pioneer=pioneer,
                    title=f"Mijlpaal {n}",
                    due_date=cohort.period_start + timedelta(days=150 * n),
                    status=rng.choice(list(MilestoneStatus)),
                )
                for n in range(8)
            ]
        )
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    pioneer=pioneer,
                    kind=rng.choice(["overleg", "interview", "notitie"]),
                    date=min(today, cohort.period_start + timedelta(days=30 * n)),
                    text="Verslag van het overleg over de voortgang van het plan. " * 3,
                    visibility=rng.choice(["intern", "gedeeld"]),
                    author=staff,
                )
                for n in range(30)
            ]
        )
        SupportItem.objects.bulk_create(
            [
                SupportItem(
                    pioneer=pioneer,
                    area=areas[n % len(areas)],
                    expert=experts[n % len(experts)] if experts else None,
                    description="Ondersteuning",
                    hours_planned=20,
                    hours_spent=rng.randint(0, 30),
                )
                for n in range(4)
            ]
        )
        Lesson.objects.bulk_create(
            [Lesson(pioneer=pioneer, title=f"Les {n}", text="Begin klein.") for n in range(2)]
        )


def run(out) -> None:
    rng = random.Random(2024)  # noqa: S311 - benchmark data, not secrets
    staff = User.objects.create_user("bench-medewerker@example.org", "bench-wachtwoord-42")
    make_staff(staff)
    Expert.objects.bulk_create([Expert(name=f"Expert {n}") for n in range(8)])
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        name="Bench-lichting",
        slug="bench-lichting",
        period_start=today - timedelta(days=1000),
        period_end=today + timedelta(days=95),
        applications_open=date(2020, 1, 1),
        applications_close=date(2020, 2, 1),
    )
    client = Client()
    client.force_login(staff)
    results = {}
    with with_bare_page():
        for size in SIZES:
            start = time.perf_counter()
            _grow_to(size, cohort, rng, staff)
            analyze()
            out(
                f"{size} pioneers (12 readings, 8 milestones, 30 log entries each) loaded in "
                f"{time.perf_counter() - start:.1f} s"
            )
            slug = Pioneer.objects.order_by("pk").values_list("slug", flat=True)[size // 2]
            bare_ms, bare_queries = measure(client, "/bench/bare/")
            pages = {
                "staff dashboard": "/wijkbv/pioniers/",
                "pioneer page": f"/wijkbv/pioniers/{slug}/",
                "mengpaneel history": f"/wijkbv/pioniers/{slug}/mengpaneel/",
                "compare one element": "/wijkbv/mengpaneel/eigenaarschap/",
            }
            # "x bare" is against the bare page requested in turn with the page (the same load);
            # "cpu x" the same for the CPU time of this process (see measure_against_bare).
            out(f"  {'page':<36}{'queries':>8}{'median ms':>11}{'x bare':>8}{'cpu x':>7}")
            out(f"  {'bare 25-row page':<36}{bare_queries:>8}{bare_ms:>11.2f}{1:>8.1f}")
            for name, url in pages.items():
                median_ms, queries, ratio, cpu = measure_against_bare(client, url, repeat=REPEAT)
                results[(name, size)] = (queries, ratio)
                out(f"  {name:<36}{queries:>8}{median_ms:>11.2f}{ratio:>8.1f}{cpu:>7.1f}")
                if name in ("staff dashboard", "pioneer page"):
                    cold_ms, cold_queries, cold_ratio, cold_cpu = measure_against_bare(
                        client, url, repeat=10, before=cache.clear
                    )
                    results[(f"{name} (cold)", size)] = (cold_queries, cold_ratio)
                    label = f"{name} (cache empty)"
                    out(
                        f"  {label:<36}{cold_queries:>8}{cold_ms:>11.2f}{cold_ratio:>8.1f}"
                        f"{cold_cpu:>7.1f}"
                    )
    out("")
    names = (
        "staff dashboard",
        "staff dashboard (cold)",
        "pioneer page",
        "pioneer page (cold)",
        "mengpaneel history",
        "compare one element",
    )
    for name in names:
        small, large = results[(name, SIZES[0])], results[(name, SIZES[-1])]
        constant = "same" if small[0] == large[0] else "DIFFERENT"
        out(
            f"{name}: {small[0]} queries at {SIZES[0]} pioneers, {large[0]} at {SIZES[-1]} "
            f"({constant}; target <= {TARGET_QUERIES}); {large[1]:.1f}x the bare page at "
            f"{SIZES[-1]} (target <= {TARGET_RATIO:.0f}x)"
        )
