"""Measuring helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import override_settings
from django.urls import include, path

BARE_TEMPLATE = engines["django"].from_string(
    "<table>{% for row in rows %}<tr><td>{{ row.0 }}</td><td>{{ row.1 }}</td>"
    "<td>{{ row.2 }}</td></tr>{% endfor %}</table>"
)


def bare_page(request):
    """The yardstick: a bare Django page rendering 25 rows from a list, no database."""
    rows = [(f"Wijkonderneming {i}", "Utrecht", i * 1000) for i in range(25)]
    return HttpResponse(BARE_TEMPLATE.render({"rows": rows}, request))


urlpatterns = [
    path("bench/bare/", bare_page),
    path("", include("lsa_portal.urls")),
]


def analyze() -> None:
    """Give PostgreSQL's planner statistics of the data just loaded, as autovacuum does within a
    minute in production: without them it takes a freshly bulk-loaded table for empty and picks
    nested loops that make every page look ten times slower than it will be."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def with_bare_page():
    """Serve the portal plus ``/bench/bare/`` for the duration of a benchmark."""
    return override_settings(ROOT_URLCONF="tests.bench.common")


def measure(
    client: Client,
    url: str,
    repeat: int = 30,
    check: Callable | None = None,
    before: Callable | None = None,
) -> tuple[float, int]:
    """Median server time in ms over ``repeat`` requests (after one warm-up), and the queries
    of one request. ``before`` runs ahead of each request, outside the timing (e.g. to empty a
    cache and measure the cold path)."""
    prepare = before or (lambda: None)
    prepare()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if check:
        check(response)
    prepare()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Counted at the cursor, so it works with DEBUG off (the query log needs DEBUG).
    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(repeat):
        prepare()
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), len(queries)


def measure_against_bare(
    client: Client,
    url: str,
    repeat: int = 30,
    before: Callable | None = None,
) -> tuple[float, int, float, float]:
    """Like ``measure``, with the bare page requested between the page's requests: the median
    server time in ms, the queries of one request, the ratio of the page's median to the bare
    page's median over the same stretch of time, and the same ratio of the CPU time of this
    process (which leaves out the database's and the cache's own work, and the waiting for a
    core). On a machine shared with other work the load changes from second to second;
    interleaving lets both medians see the same load, and the CPU ratio shows how much of a
    difference is the load's."""
    prepare = before or (lambda: None)
    bare_client = Client()
    bare_client.get("/bench/bare/")
    _, queries = measure(client, url, repeat=1, before=before)
    page: list[float] = []
    bare: list[float] = []
    page_cpu: list[float] = []
    bare_cpu: list[float] = []
    for _ in range(repeat):
        for timings, cpu, who, address in (
            (bare, bare_cpu, bare_client, "/bench/bare/"),
            (page, page_cpu, client, url),
        ):
            if who is client:
                prepare()
            start, start_cpu = time.perf_counter(), time.thread_time()
            who.get(address)
            cpu.append(time.thread_time() - start_cpu)
            timings.append((time.perf_counter() - start) * 1000)
    page_ms = statistics.median(page)
    return (
        page_ms,
        queries,
        page_ms / statistics.median(bare),
        statistics.median(page_cpu) / statistics.median(bare_cpu),
    )
