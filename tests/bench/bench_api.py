"""The open-data API's list endpoints (issue 15) at the load test's size (5,000 published
enterprises, 10,000 knowledge items), side by side with the bare 25-row page. The endpoints are
read from the API's own document: every GET without path parameters that takes a page
(``pagina``). For each: the queries of a page of 10 and of 100 (equal when the count does not
grow with the rows), and the median server time of a page of 25 and its ratio to the bare
page's, requested in turn with it, from the cache and with the cache emptied before every
request. Target: at most 3x the bare page."""

from __future__ import annotations

import random
import time

from django.core.cache import cache
from django.test import Client, override_settings

from knowledge.models import FAQ
from tests.bench.bench_enterprises import _grow_to
from tests.bench.bench_knowledge import _load
from tests.bench.common import analyze, measure, measure_against_bare, with_bare_page

SPEC_URL = "/api/v1/openapi.json"
ENTERPRISES = 5000
PAGE_PARAMETER = "pagina"
SIZE_PARAMETER = "paginaGrootte"
TARGET_RATIO = 3.0
REPEAT = 40


def list_endpoints(document: dict) -> list[str]:
    """The absolute paths of the document's paginated collections, in its order."""
    servers = document.get("servers") or [{"url": ""}]
    base = servers[0]["url"].rstrip("/")
    found = []
    for path, item in document["paths"].items():
        parameters = (item.get("get") or {}).get("parameters", [])
        if "{" not in path and any(p.get("name") == PAGE_PARAMETER for p in parameters):
            found.append(base + path)
    return found


class AnswerClient(Client):
    """A client whose every answer must be the page asked for: a 429 of the rate limit (a
    loop of requests from one address reaches it) or a 404 would time a quick answer to
    another question."""

    def get(self, *args, **kwargs):
        response = super().get(*args, **kwargs)
        assert response.status_code == 200, (args, response.status_code)
        return response


def _size(url: str, size: int) -> str:
    return f"{url}?{SIZE_PARAMETER}={size}"


def run(out) -> None:
    start = time.perf_counter()
    _grow_to(ENTERPRISES, random.Random(5000))  # noqa: S311 - benchmark data, not secrets
    if not FAQ.objects.exists():
        _load(out)
    analyze()
    out(f"data ready in {time.perf_counter() - start:.1f} s")
    # The limit is still counted on every request (its cost is part of the time), never reached.
    with override_settings(API_RATE_LIMIT=(1_000_000, 60)):
        _measure(out, AnswerClient())


def _measure(out, client: Client) -> None:
    response = Client().get(SPEC_URL)
    if response.status_code != 200:
        out(f"no API document at {SPEC_URL} ({response.status_code}): nothing to measure")
        return
    endpoints = list_endpoints(response.json())
    worst, worst_cpu, growing = 0.0, 0.0, []
    with with_bare_page():
        bare_ms, bare_queries = measure(client, "/bench/bare/")
        bare_kb = len(client.get("/bench/bare/").content) / 1024
        out(
            f"  {'endpoint (25 per page)':<56}{'q 10':>6}{'q 100':>6}{'KB':>7}{'median ms':>11}"
            f"{'x bare':>8}{'cpu x':>7}"
        )
        out(
            f"  {'bare 25-row page':<56}{bare_queries:>6}{bare_queries:>6}{bare_kb:>7.1f}"
            f"{bare_ms:>11.2f}{1:>8.1f}"
        )
        for url in endpoints:
            _, small = measure(client, _size(url, 10), repeat=1, before=cache.clear)
            _, large = measure(client, _size(url, 100), repeat=1, before=cache.clear)
            if large != small:
                growing.append(url)
            page = _size(url, 25)
            kb = len(client.get(page).content) / 1024
            for label, before, repeat in (
                (url, None, REPEAT),
                (f"{url} (cache empty)", cache.clear, 10),
            ):
                median_ms, _, ratio, cpu = measure_against_bare(
                    client, page, repeat=repeat, before=before
                )
                if before is None:
                    worst, worst_cpu = max(worst, ratio), max(worst_cpu, cpu)
                out(
                    f"  {label:<56}{small:>6}{large:>6}{kb:>7.1f}{median_ms:>11.2f}{ratio:>8.1f}"
                    f"{cpu:>7.1f}"
                )
    constant = "constant" if not growing else "GROWING on " + ", ".join(growing)
    verdict = "met" if worst <= TARGET_RATIO else "NOT met"
    out(
        f"API lists: queries {constant} (10 vs 100 per page, cache empty); from the cache "
        f"{worst:.1f}x the bare page's time at most, {worst_cpu:.1f}x its CPU time "
        f"(target <= {TARGET_RATIO:.0f}x: {verdict})"
    )
