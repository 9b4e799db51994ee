"""Directory and profile at 50 and at 5,000 published enterprises: queries and median time,
against a bare Django page that renders 25 rows from a list (the same run, the same database)."""

from __future__ import annotations

import random
import time

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from enterprises.models import (
    INCOME_FIELDS,
    Enterprise,
    EnterpriseKind,
    EnterpriseStatus,
    LegalForm,
    Municipality,
    Theme,
    YearFigures,
)
from tests.bench.common import analyze, measure, with_bare_page

SIZES = (50, 5000)
TARGET_QUERIES = 12
TARGET_RATIO = 3.0


def _grow_to(size: int, rng: random.Random) -> None:
    """Add published enterprises (with three years of figures and two themes) up to ``size``."""
    existing = Enterprise.objects.count()
    municipalities = list(Municipality.objects.all())
    themes = list(Theme.objects.all())
    kinds, forms = list(EnterpriseKind), list(LegalForm)
    now = timezone.now()
    new = [
        Enterprise(
            name=f"Bench Wijkonderneming {number:05d}",
            slug=f"bench-wijkonderneming-{number:05d}",
            kind=rng.choice(kinds),
            legal_form=rng.choice(forms),
            founded_year=rng.randint(1990, 2024),
            municipality=rng.choice(municipalities),
            neighbourhood="Benchwijk",
            pitch="Bewoners runnen samen het buurthuis en verhuren ruimtes aan de wijk.",
            mission="De winst gaat terug naar de wijk.",
            status=EnterpriseStatus.PUBLISHED,
            published_at=now,
        )
        for number in range(existing, size)
    ]
    created = Enterprise.objects.bulk_create(new, batch_size=1000)
    through = Enterprise.themes.through
    through.objects.bulk_create(
        [
            through(enterprise_id=e.pk, theme_id=t.pk)
            for e in created
            for t in rng.sample(themes, 2)
        ],
        batch_size=2000,
    )
    YearFigures.objects.bulk_create(
        [
            YearFigures(
                enterprise_id=e.pk,
                year=year,
                expenses=rng.randint(10_000, 900_000),
                volunteers=rng.randint(0, 100),
                **{field: rng.randint(0, 200_000) for field in INCOME_FIELDS},
            )
            for e in created
            for year in (2022, 2023, 2024)
        ],
        batch_size=2000,
    )


def run(out) -> None:
    rng = random.Random(5000)  # noqa: S311 - benchmark data, not secrets
    client = Client()
    results = {}
    with with_bare_page():
        for size in SIZES:
            start = time.perf_counter()
            _grow_to(size, rng)
            analyze()
            out(f"{size} published enterprises loaded in {time.perf_counter() - start:.1f} s")
            profile_slug = Enterprise.objects.order_by("pk").values_list("slug", flat=True)[
                size // 2
            ]
            bare_ms, bare_queries = measure(client, "/bench/bare/")
            pages = {
                "directory": "/wijkondernemingen/",
                "directory, filtered": "/wijkondernemingen/?thema=energie&provincie=utrecht",
                "directory, page 100": "/wijkondernemingen/?pagina=100"
                if size > 2500
                else "/wijkondernemingen/",
                "profile": f"/wijkondernemingen/{profile_slug}/",
            }
            out(f"  {'page':<36}{'queries':>8}{'median ms':>11}{'x bare':>8}")
            out(f"  {'bare 25-row page':<36}{bare_queries:>8}{bare_ms:>11.2f}{1:>8.1f}")
            for name, url in pages.items():
                median_ms, queries = measure(client, url)
                results[(name, size)] = (queries, median_ms / bare_ms)
                out(f"  {name:<36}{queries:>8}{median_ms:>11.2f}{median_ms / bare_ms:>8.1f}")
                if name.startswith("directory"):
                    cold_ms, cold_queries = measure(client, url, repeat=10, before=cache.clear)
                    results[(f"{name} (cold)", size)] = (cold_queries, cold_ms / bare_ms)
                    label = f"{name} (cache empty)"
                    out(f"  {label:<36}{cold_queries:>8}{cold_ms:>11.2f}{cold_ms / bare_ms:>8.1f}")
    out("")
    for name in ("directory (cold)", "directory", "profile"):
        small, large = results[(name, SIZES[0])], results[(name, SIZES[-1])]
        constant = "same" if small[0] == large[0] else "DIFFERENT"
        out(
            f"{name}: {small[0]} queries at {SIZES[0]}, {large[0]} at {SIZES[-1]} ({constant}; "
            f"target <= {TARGET_QUERIES}); {large[1]:.1f}x the bare page at {SIZES[-1]}"
        )
    out(f"directory target: at most {TARGET_RATIO:.0f}x the bare page at {SIZES[-1]} enterprises")
