"""The monitor and the benchmark at 50 and at 5,000 published enterprises with five years of
figures each and real estate for most: queries (the same at both sizes is the target), and the
median time against the bare 25-row page, from the cache (at most 3x) and with the cache
emptied before every request (at most 150 ms)."""

from __future__ import annotations

import random
import time

from django.core.cache import cache
from django.test import Client

from enterprises.models import (
    Asset,
    AssetKind,
    Enterprise,
    GroundTenure,
    Tenure,
    YearFigures,
)
from tests.bench.bench_enterprises import _grow_to
from tests.bench.common import analyze, measure_against_bare, with_bare_page

SIZES = (50, 5000)
YEARS = (2021, 2022, 2023, 2024, 2025)
TARGET_RATIO = 3.0
TARGET_COLD_MS = 150.0
REPEAT = 20


def _complete(rng: random.Random) -> None:
    """Every enterprise gets all five years (the directory's bench gives three) and, for most,
    a building or a plot: as a monitor after a few rounds would see them."""
    have = set(YearFigures.objects.values_list("enterprise_id", "year"))
    new = []
    for enterprise_id in Enterprise.objects.values_list("pk", flat=True):
        for year in YEARS:
            if (enterprise_id, year) in have or rng.random() < 0.08:  # some never reported
                continue
            new.append(
                YearFigures(
                    enterprise_id=enterprise_id,
                    year=year,
                    income_sales=rng.randint(0, 200_000),
                    income_rent=rng.randint(0, 150_000),
                    income_subsidies=rng.randint(0, 120_000),
                    income_funds=rng.randint(0, 40_000),
                    income_loans=rng.choice((0, 0, 0, rng.randint(10_000, 200_000))),
                    expenses=rng.randint(10_000, 400_000),
                    paid_staff_fte=rng.randint(0, 80) / 10,
                    volunteers=rng.randint(0, 100),
                    people_from_benefits=rng.randint(0, 12),
                )
            )
    YearFigures.objects.bulk_create(new, batch_size=2000)
    held = set(Asset.objects.values_list("enterprise_id", flat=True))
    assets = []
    for enterprise_id in Enterprise.objects.exclude(pk__in=held).values_list("pk", flat=True):
        if rng.random() < 0.6:
            tenure = rng.choice((Tenure.OWNERSHIP, Tenure.RENT, Tenure.MANAGEMENT))
            assets.append(
                Asset(
                    enterprise_id=enterprise_id,
                    kind=AssetKind.BUILDING,
                    name="Buurthuis",
                    tenure=tenure,
                    ground_tenure=rng.choice((GroundTenure.OWNERSHIP, GroundTenure.LEASEHOLD))
                    if tenure == Tenure.OWNERSHIP
                    else "",
                    since_year=rng.choice((None, 2010, 2023)),
                )
            )
        if rng.random() < 0.2:
            assets.append(
                Asset(
                    enterprise_id=enterprise_id,
                    kind=AssetKind.LAND,
                    name="Buurttuin",
                    ground_tenure=rng.choice(list(GroundTenure)),
                )
            )
    Asset.objects.bulk_create(assets, batch_size=2000)


def run(out) -> None:
    rng = random.Random(2025)  # noqa: S311 - benchmark data, not secrets
    client = Client()
    results = {}
    pages = {
        "monitor 2025": "/monitor/2025/",
        "benchmark": "/wijkondernemingen/benchmark/",
        "benchmark 2023": "/wijkondernemingen/benchmark/?jaar=2023",
    }
    with with_bare_page():
        for size in SIZES:
            start = time.perf_counter()
            _grow_to(size, rng)
            _complete(rng)
            analyze()
            rows = YearFigures.objects.count()
            out(
                f"{size} published enterprises, {rows} years of figures, "
                f"{Asset.objects.count()} assets, loaded in {time.perf_counter() - start:.1f} s"
            )
            out(f"  {'page':<34}{'queries':>8}{'median ms':>11}{'x bare':>8}{'x bare cpu':>12}")
            for name, url in pages.items():
                warm = measure_against_bare(client, url, repeat=REPEAT)
                cold = measure_against_bare(client, url, repeat=REPEAT, before=cache.clear)
                results[(name, size)] = (warm, cold)
                for label, (ms, queries, ratio, cpu) in (
                    (name, warm),
                    (f"{name} (cache empty)", cold),
                ):
                    out(f"  {label:<34}{queries:>8}{ms:>11.2f}{ratio:>8.1f}{cpu:>12.1f}")
    out("")
    for name in pages:
        small_warm, small_cold = results[(name, SIZES[0])]
        warm, cold = results[(name, SIZES[-1])]
        same = "same" if small_warm[1] == warm[1] and small_cold[1] == cold[1] else "DIFFERENT"
        out(
            f"{name}: queries {small_warm[1]}/{small_cold[1]} at {SIZES[0]}, "
            f"{warm[1]}/{cold[1]} at {SIZES[-1]} (cached/empty: {same}); "
            f"cached {warm[2]:.1f}x bare (target <= {TARGET_RATIO:.0f}x: "
            f"{'met' if warm[2] <= TARGET_RATIO else 'NOT met'}); "
            f"cache empty {cold[0]:.0f} ms (target <= {TARGET_COLD_MS:.0f} ms: "
            f"{'met' if cold[0] <= TARGET_COLD_MS else 'NOT met'})"
        )
