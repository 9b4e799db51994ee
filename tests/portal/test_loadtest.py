"""The load test's own pieces (``make loadtest`` runs the load itself, never the test suite)."""

import re

import pytest
from django.urls import Resolver404, resolve

from tests.load.__main__ import ROOT, compose_gunicorn_options, parse, share


def test_gunicorn_gets_the_worker_options_of_docker_compose():
    command = (ROOT / "docker-compose.yml").read_text()
    workers = re.search(r"gunicorn .*--workers[ =](\d+)", command).group(1)
    options = compose_gunicorn_options()
    assert options[options.index("--workers") + 1] == workers
    assert "--bind" not in options and "--access-logfile" not in options


def test_the_connections_are_shared_out_to_the_requested_total():
    counts = share(200)
    assert sum(counts.values()) == 200
    assert min(counts.values()) >= 1
    assert counts["profile"] > counts["home"]


def test_the_figures_are_read_from_what_the_wrk_script_writes():
    output = (
        "Running 1m test @ http://127.0.0.1:8000\n"
        'FIGURES {"requests": 1200, "seconds": 60.0, "p50_ms": 12.5, "p99_ms": 80.25, '
        '"max_ms": 120.0, "not_200": 2, "statuses": " 500 502", "socket_errors": 1, '
        '"timeouts": 3, "slow_percent": 0.5}\n'
    )
    result = parse("profile", 40, output)
    assert result.rate == 20.0
    assert (result.p50_ms, result.p99_ms) == (12.5, 80.25)
    assert result.errors == 3 and result.timeouts == 3


def test_a_wrk_that_wrote_no_figures_counts_as_an_error():
    assert parse("home", 20, "unable to connect to 127.0.0.1:1").errors == 1


def test_the_bare_yardstick_page_is_not_among_the_portal_urls():
    with pytest.raises(Resolver404):
        resolve("/bench/bare/")
