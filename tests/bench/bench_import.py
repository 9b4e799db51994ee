"""The import of the association's spreadsheet at 5,000 rows (2,500 enterprises with two years of
figures each, as a Dutch office writes it): reading and planning the preview, applying it, the
same file again (every row unchanged), and a file that changes half of the enterprises. The
target: each step well under a minute."""

from __future__ import annotations

import json
import random
import time

from django.db import connection
from django.test import Client

from accounts.models import User
from accounts.roles import make_staff
from enterprises import imports, services
from enterprises.models import Enterprise, ImportBatch, Municipality, Theme, YearFigures
from tests.bench.common import analyze, measure

ENTERPRISES = 2_500
YEARS = (2023, 2024)
TARGET_SECONDS = 60

HEADER = (
    "Naam;KvK-nummer;Gemeente;Soort;Rechtsvorm;Opgericht;Wijk;Postcode;Website;Thema's;Jaar;"
    "Verkoop;Verhuur;Bijdragen;Opdrachten overheid;Subsidies;Fondsen;Giften;Leningen;Uitgaven;"
    "FTE;Vrijwilligers;Mensen uit uitkering;Bewoners bereikt"
)


def _euros(rng: random.Random) -> str:
    amount = rng.randint(0, 250_000)
    return (
        "€ " + f"{amount:,}".replace(",", ".")
        if rng.random() < 0.5
        else f"{amount},{rng.randint(0, 99):02d}"
    )


def spreadsheet(rng: random.Random, neighbourhood: str = "Benchwijk") -> bytes:
    """5,000 rows in Windows-1252 with semicolons, amounts as '€ 12.500' and '1234,56'."""
    municipalities = list(Municipality.objects.values_list("name", flat=True))
    themes = list(Theme.objects.values_list("name", flat=True))
    lines = [HEADER]
    for number in range(ENTERPRISES):
        kvk = f"{70_000_000 + number:08d}" if number % 2 else ""  # half without a KvK number
        identity = (
            f"Benchcoöperatie {number:05d};{kvk};{municipalities[number % len(municipalities)]};"
            f"wijkonderneming;stichting;{2000 + number % 24};{neighbourhood};1234 AB;"
            f"www.bench-{number}.example;{', '.join(rng.sample(themes, 2))}"
        )
        for year in YEARS:
            figures = ";".join(_euros(rng) for _ in range(9))
            lines.append(
                f"{identity};{year};{figures};{rng.randint(0, 20)},{rng.randint(0, 9)};"
                f"{rng.randint(0, 80)};{rng.randint(0, 10)};{rng.randint(0, 5000)}"
            )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _counted(step):
    """Seconds and queries of one step."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(count):
        result = step()
    return result, time.perf_counter() - start, len(queries)


def _preview_and_apply(out, label: str, data: bytes, staff) -> tuple[ImportBatch, float, float]:
    """The applied batch and the seconds of its preview and of its apply."""
    batch, preview_seconds, preview_queries = _counted(
        lambda: services.preview_import(imports.read_bytes(data), by=staff, file_name="bench.csv")
    )
    assert batch.error_count == 0, batch.plan["rows"][0]
    batch, apply_seconds, apply_queries = _counted(lambda: services.apply_import(batch, by=staff))
    out(
        f"  {label:<34}{batch.row_count:>6}{preview_seconds:>10.1f}{preview_queries:>9}"
        f"{apply_seconds:>10.1f}{apply_queries:>9}   new {batch.new_count}, changed "
        f"{batch.changed_count}, unchanged {batch.unchanged_count}"
    )
    return batch, preview_seconds, apply_seconds


def run(out) -> None:
    rng = random.Random(14)  # noqa: S311 - benchmark data, not secrets
    staff = User.objects.create_user("bench-import@example.org", "bench-wachtwoord-42")
    make_staff(staff)
    first = spreadsheet(rng)
    out(f"a file of {len(first) / 1024 / 1024:.1f} MB, {ENTERPRISES * len(YEARS)} rows")
    out(f"  {'import':<34}{'rows':>6}{'preview s':>10}{'queries':>9}{'apply s':>10}{'queries':>9}")
    results = [_preview_and_apply(out, "new: 2,500 enterprises, 5,000 years", first, staff)]
    analyze()
    results.append(_preview_and_apply(out, "the same file again", first, staff))
    changed = spreadsheet(random.Random(15), neighbourhood="Andere wijk")
    results.append(_preview_and_apply(out, "every enterprise and year changed", changed, staff))
    client = Client()
    client.force_login(staff)
    waiting = services.preview_import(imports.read_bytes(first), by=staff, file_name="bench.csv")
    for label, batch in (("a preview", waiting), ("an applied import", results[0][0])):
        plan_mb = len(json.dumps(batch.plan)) / 1024 / 1024
        for page in ("1", "50"):
            url = f"{batch.get_absolute_url()}?pagina={page}"
            median_ms, queries = measure(client, url, repeat=5)
            out(
                f"  {label}, page {page} of 50:".ljust(40)
                + f"{median_ms:>8.0f} ms{queries:>4} queries (its plan: {plan_mb:.1f} MB)"
            )
    out(
        f"in the portal now: {Enterprise.objects.count()} enterprises, "
        f"{YearFigures.objects.count()} years of figures, "
        f"{Enterprise.history.count() + YearFigures.history.count()} history records"
    )
    slowest = max(max(preview, apply) for _batch, preview, apply in results)
    verdict = "within" if slowest < TARGET_SECONDS else "OVER"
    out(f"slowest step {slowest:.1f} s: {verdict} the target of {TARGET_SECONDS} s per step")
