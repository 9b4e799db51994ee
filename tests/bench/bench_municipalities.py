"""The municipality page at 5,000 published enterprises over all municipalities and 10,000
reports: queries for a municipality with one enterprise and for one with hundreds (the same
number is the target), median time against the bare 25-row page; and the brief, request to
file, against the pure WeasyPrint render of the same HTML."""

from __future__ import annotations

import random
import statistics
import time

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from enterprises.models import Enterprise, Municipality
from knowledge.models import Report, Status
from lsa_portal.pdf import render_document
from municipalities import brief
from municipalities.models import BriefJob
from tests.bench.bench_enterprises import _grow_to
from tests.bench.common import analyze, measure, measure_against_bare, with_bare_page

TARGET_RATIO = 3.0
BRIEF_RATIO = 1.5
REPORTS = 10_000


def _reports(rng: random.Random) -> None:
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    now = timezone.now()
    existing = Report.objects.count()
    Report.objects.bulk_create(
        [
            Report(
                title=f"Bench rapport {number:05d}",
                slug=f"bench-rapport-{number:05d}",
                summary="Een verkenning voor de gemeente.",
                authors="Benchbureau",
                status=Status.PUBLISHED,
                published_at=now,
                commissioning_municipality_id=rng.choice(municipalities),
            )
            for number in range(existing, REPORTS)
        ],
        batch_size=2000,
    )


def _median_ms(action, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def run(out) -> None:
    rng = random.Random(9)  # noqa: S311 - benchmark data, not secrets
    start = time.perf_counter()
    _grow_to(5000, rng)
    _reports(rng)
    # One municipality gets many more enterprises, to show the page does not grow with them.
    big = Municipality.objects.get(cbs_code="GM0344")
    Enterprise.objects.filter(pk__in=Enterprise.objects.order_by("pk")[:400].values("pk")).update(
        municipality=big
    )
    small = (
        Municipality.objects.filter(enterprises__isnull=False)
        .exclude(pk=big.pk)
        .order_by("name")
        .first()
    )
    assert small is not None, "no municipality besides the big one has enterprises"
    counts = {m.slug: m.enterprises.count() for m in (small, big)}
    out(f"5000 enterprises and {REPORTS} reports loaded in {time.perf_counter() - start:.1f} s")
    analyze()
    client = Client()
    with with_bare_page():
        bare_ms, bare_queries = measure(client, "/bench/bare/")
        out(f"  {'page':<44}{'queries':>8}{'median ms':>11}{'x bare':>8}{'cpu x':>7}")
        out(f"  {'bare 25-row page':<44}{bare_queries:>8}{bare_ms:>11.2f}{1:>8.1f}")
        queries, ratios = {}, {}
        # "x bare" is against the bare page requested in turn with the page (the same load);
        # "cpu x" the same for the CPU time of this process (see measure_against_bare).
        for label, url in (
            ("list of municipalities", "/gemeenten/"),
            (f"{small.name} ({counts[small.slug]} enterprises)", f"/gemeenten/{small.slug}/"),
            (f"{big.name} ({counts[big.slug]} enterprises)", f"/gemeenten/{big.slug}/"),
        ):
            median_ms, n, ratio, cpu = measure_against_bare(client, url, repeat=60)
            queries[label], ratios[label] = n, ratio
            out(f"  {label:<44}{n:>8}{median_ms:>11.2f}{ratio:>8.1f}{cpu:>7.1f}")
        big_url = f"/gemeenten/{big.slug}/"
        cold_ms, cold_n, cold_ratio, cold_cpu = measure_against_bare(
            client, big_url, repeat=10, before=cache.clear
        )
        label = f"{big.name} (cache empty)"
        out(f"  {label:<44}{cold_n:>8}{cold_ms:>11.2f}{cold_ratio:>8.1f}{cold_cpu:>7.1f}")
    page_queries = list(queries.values())[1:]
    same = "same" if len(set(page_queries)) == 1 else "DIFFERENT"
    worst = max(list(ratios.values())[1:])
    out(
        f"municipality page: {page_queries} queries ({same}); {worst:.1f}x the bare page at "
        f"most (target <= {TARGET_RATIO:.0f}x)"
    )

    html = brief.brief_html(big, generated_on=timezone.localdate())
    pure_ms = _median_ms(lambda: render_document(html), 5)

    def request_to_file():
        BriefJob.objects.filter(municipality=big).delete()  # no reuse: measure a real render
        job = brief.request_brief(big, by=None)
        job.refresh_from_db()
        assert job.status == "klaar", job.error

    from lsa_portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # in-process: the real-worker path is the case-PDF bench's
    try:
        full_ms = _median_ms(request_to_file, 5)
    finally:
        app.conf.task_always_eager = eager
    out(
        f"brief of {big.name} (in-process): request to file {full_ms:.0f} ms, "
        f"pure WeasyPrint {pure_ms:.0f} ms "
        f"({full_ms / pure_ms:.2f}x; target <= {BRIEF_RATIO}x)"
    )
