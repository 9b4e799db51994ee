"""Load test: ``python -m tests.load`` (``make loadtest``). Not part of the test suite.

gunicorn, started as docker-compose.yml starts it (its worker options are read from there) with
the production settings (DEBUG off, Redis cache), serves a PostgreSQL database with the bench data
(5,000 published enterprises, 10,000 knowledge documents; loaded once, with the bench's own
bulk loaders, and kept for the next run). wrk then keeps ``--connections`` connections open for
``--duration`` seconds over a mix of public pages: one wrk per kind of page, all at the same time,
the connections shared out by weight, each wrk cycling through many URLs of its kind (other
profiles, other filters, other search words), so that every page gets its own req/s, p50 and p99.
After the mix, the bench's bare 25-row Django page gets the same number of connections alone, as
the yardstick. Then the mix and the yardstick run again through nginx in front of the same
gunicorn, with the configuration of docker-compose.yml (deploy/nginx/portal.conf.template, started
by tests/proxy.py as the proxy test starts it), and both sets of figures are printed side by side.
Before the two runs every URL of the mix is asked for once, so that both find the same pages in
the cache.
Any error (a status other than 200, a socket error) or timeout makes the run fail.

Environment: ``DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/lsa_loadtest; created if
missing), ``REDIS_URL`` (default redis://127.0.0.1:6379/1; only keys prefixed ``lsa-loadtest`` are
used and emptied). wrk must be on the PATH (``apt-get install wrk``), and Debian's nginx installed
(``apt-get install nginx``) unless ``--no-proxy``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.proxy import Nginx, free_port, nginx_binary, readable_folder

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lsa_loadtest"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
# A request is a timeout when it has no answer after this long: gunicorn's own worker timeout
# (its default, as docker-compose.yml sets none), when gunicorn would kill the worker anyway.
DEFAULT_TIMEOUT_S = 30
# How many answers took longer than this is printed too: a person's patience, not a failure.
SLOW_AFTER_S = 2
ENTERPRISES = 5000
DOCUMENTS = 10_000
# The share of the connections each kind of page gets (a visitor mostly browses the directory
# and the profiles, then searches the knowledge base).
WEIGHTS = {
    "home": 2,
    "directory": 3,
    "directory, filtered": 3,
    "profile": 4,
    "knowledge search": 4,
    "FAQ": 2,
    "monitor": 2,
    "benchmark": 2,
    "programme": 1,
    "municipality list": 2,
}
# What gunicorn options of docker-compose.yml shape the server (address and logs do not).
GUNICORN_OPTIONS = {
    "-w": "--workers",
    "--workers": "--workers",
    "--threads": "--threads",
    "-k": "--worker-class",
    "--worker-class": "--worker-class",
    "--worker-connections": "--worker-connections",
    "--timeout": "--timeout",
    "--keep-alive": "--keep-alive",
    "--backlog": "--backlog",
    "--max-requests": "--max-requests",
}


def production_environment(static_root: Path) -> dict[str, str]:
    """The environment of both this process and gunicorn: production settings, DEBUG off.

    Plain HTTP all the way (nginx sets X-Forwarded-Proto from its own scheme), so without the
    HTTPS redirect; the app trusts one proxy, as in docker-compose.yml."""
    return {
        "DJANGO_SETTINGS_MODULE": "tests.load.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        "REDIS_URL": os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
        "STATIC_ROOT": str(static_root),
        "SECURE_SSL_REDIRECT": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
    }


def compose_gunicorn_options() -> list[str]:
    """The worker options of the web service's gunicorn command in docker-compose.yml."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    words = shlex.split(command if isinstance(command, str) else shlex.join(command))
    words = [w for word in words for w in shlex.split(word)]  # the part inside sh -c "..."
    words = words[words.index("gunicorn") + 1 :]
    options = []
    for index, word in enumerate(words):
        name, _, value = word.partition("=")
        if name in GUNICORN_OPTIONS:
            options += [GUNICORN_OPTIONS[name], value or words[index + 1]]
    return options


def ensure_database(url: str) -> None:
    """Create the database if the server does not have it yet."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"The load test runs on PostgreSQL; DATABASE_URL is {url}")
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


def load_bench_data() -> None:
    """The bench's data, loaded with the bench's own bulk loaders; kept for the next run."""
    from enterprises.models import Enterprise, EnterpriseStatus
    from knowledge.models import SearchDocument
    from tests.bench.bench_enterprises import _grow_to
    from tests.bench.bench_knowledge import _load

    if Enterprise.objects.exclude(slug__startswith="bench-").exists():
        raise SystemExit(
            "DATABASE_URL points at a database with enterprises that are not bench data: the "
            "load test loads thousands of records, so give it a database of its own."
        )
    published = Enterprise.objects.filter(status=EnterpriseStatus.PUBLISHED).count()
    if published < ENTERPRISES:
        start = time.perf_counter()
        _grow_to(ENTERPRISES, random.Random(5000))  # noqa: S311 - bench data, not secrets
        print(f"loaded {ENTERPRISES} enterprises in {time.perf_counter() - start:.1f} s")
    documents = SearchDocument.objects.count()
    if documents == 0:
        start = time.perf_counter()
        _load(lambda line: print(f"loaded {line}"))
        print(f"loaded the knowledge base in {time.perf_counter() - start:.1f} s")
    elif documents < DOCUMENTS:
        raise SystemExit(
            f"The database has {documents} of {DOCUMENTS} knowledge documents (an interrupted "
            "load): drop it and run again."
        )


def page_urls(rng: random.Random) -> dict[str, list[str]]:
    """Many URLs per kind of page, so that the run does not hit one cached page only."""
    from urllib.parse import urlencode

    from enterprises.models import Enterprise, EnterpriseStatus, Province, Theme
    from tests.bench.bench_knowledge import GENERAL, SUBJECTS

    themes = list(Theme.objects.values_list("slug", flat=True))
    provinces = [value for value, _ in Province.choices]
    slugs = list(
        Enterprise.objects.filter(status=EnterpriseStatus.PUBLISHED)
        .order_by("pk")
        .values_list("slug", flat=True)
    )
    filtered = [
        "/wijkondernemingen/?" + urlencode({"thema": theme, "provincie": province})
        for theme in themes
        for province in provinces
    ]
    filtered += [f"/wijkondernemingen/?q=bench+wijkonderneming+{n:03d}" for n in range(0, 50)]
    searches = [f"/kennisbank/zoeken/?{urlencode({'q': word})}" for word in [*GENERAL, *SUBJECTS]]
    searches += [
        f"/kennisbank/zoeken/?{urlencode({'q': word, 'theme': theme})}"
        for word in ("wijkondernemingen", "bewoners", "energie")
        for theme in themes
    ]
    urls = {
        "home": ["/"],
        "directory": ["/wijkondernemingen/"]
        + [f"/wijkondernemingen/?pagina={page}" for page in range(2, 201, 7)],
        "directory, filtered": filtered,
        "profile": [f"/wijkondernemingen/{slug}/" for slug in slugs[:: max(1, len(slugs) // 250)]],
        "knowledge search": searches,
        "FAQ": ["/kennisbank/veelgestelde-vragen/"],
        # The bench's enterprises reported over 2022-2024.
        "monitor": [f"/monitor/{year}/" for year in (2022, 2023, 2024)],
        "benchmark": ["/wijkondernemingen/benchmark/"]
        + [f"/wijkondernemingen/benchmark/?jaar={year}" for year in (2022, 2023, 2024)],
        "programme": ["/wijkbv/"],
        # Every page by name and by number, and what people type to find their municipality
        # (a name, a part of one, a name people use).
        "municipality list": [
            f"/gemeenten/?{urlencode({'sorteer': sort, 'pagina': page})}"
            for sort in ("naam", "aantal")
            for page in range(1, 8)
        ]
        + [
            f"/gemeenten/?{urlencode({'q': name})}"
            for name in ("utrecht", "den haag", "den bosch", "berg", "zwolle", "ams", "hoorn")
        ],
    }
    for paths in urls.values():
        rng.shuffle(paths)
    return urls


def fetch(url: str) -> int:
    # Only the loopback server started here; the proxy header spares the HTTPS redirect.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_ready(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()}")
        try:
            if fetch(f"{base}/health/") == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /health/ within 60 s:\n{log.read_text()}")


LUA = """
local paths = {%(paths)s}
local slow_after_us = %(slow_after_us)d
local index = 0
local threads = {}
wrk.headers["X-Forwarded-Proto"] = "https"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_200 = 0
  statuses = ""
end

function request()
  index = index %% #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if status ~= 200 then
    not_200 = not_200 + 1
    if #statuses < 60 then statuses = statuses .. " " .. status end
  end
end

function done(summary, latency, requests)
  local not_200, statuses = 0, ""
  for _, thread in ipairs(threads) do
    not_200 = not_200 + thread:get("not_200")
    statuses = statuses .. thread:get("statuses")
  end
  -- The share of the answered requests that took longer than slow_after_us.
  local slow = 0
  for tenth = 0, 1000 do
    if latency:percentile(tenth / 10) > slow_after_us then
      slow = 100 - tenth / 10
      break
    end
  end
  local e = summary.errors
  io.write(string.format(
    'FIGURES {"requests": %%d, "seconds": %%.3f, "p50_ms": %%.2f, "p99_ms": %%.2f, ' ..
    '"max_ms": %%.2f, "not_200": %%d, "statuses": "%%s", "socket_errors": %%d, ' ..
    '"timeouts": %%d, "slow_percent": %%.1f}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, not_200, statuses,
    e.connect + e.read + e.write, e.timeout, slow))
end
"""


@dataclass
class Result:
    name: str
    connections: int
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    not_200: int = 0
    statuses: str = ""
    socket_errors: int = 0
    timeouts: int = 0
    slow_percent: float = 0.0
    output: str = ""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.not_200 + self.socket_errors


def parse(name: str, connections: int, output: str) -> Result:
    match = re.search(r"^FIGURES (\{.*\})$", output, re.M)
    if not match:  # wrk itself failed: count it as an error and show what it said
        return Result(name, connections, socket_errors=1, output=output)
    return Result(name, connections, output=output, **json.loads(match.group(1)))


def run_wrk(
    jobs: dict[str, tuple[int, list[str]]], base: str, seconds: int, timeout: int, folder: Path
) -> list[Result]:
    """One wrk per kind of page, all at the same time; returns their figures."""
    running = {}
    for name, (connections, paths) in jobs.items():
        script = folder / f"{re.sub(r'[^a-z0-9]+', '-', name)}.lua"
        script.write_text(
            LUA
            % {
                "paths": ", ".join(json.dumps(path) for path in paths),
                "slow_after_us": SLOW_AFTER_S * 1_000_000,
            }
        )
        command = [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            f"{timeout}s",
            "--latency",
            "--script",
            str(script),
            base,
        ]
        running[name] = (
            connections,
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
        )
    results = []
    for name, (connections, process) in running.items():
        output, _ = process.communicate(timeout=seconds + timeout + 60)
        results.append(parse(name, connections, output))
    return results


def share(total: int) -> dict[str, int]:
    """The connections per kind of page, by weight, adding up to ``total``."""
    weight_sum = sum(WEIGHTS.values())
    counts = {name: max(1, total * weight // weight_sum) for name, weight in WEIGHTS.items()}
    counts[max(WEIGHTS, key=WEIGHTS.__getitem__)] += total - sum(counts.values())
    return counts


def _row(r: Result) -> str:
    return (
        f"{r.name:<22}{r.connections:>6}{r.requests:>10}{r.rate:>9.1f}{r.p50_ms:>9.0f}"
        f"{r.p99_ms:>9.0f}{r.slow_percent:>7.1f}%{r.errors:>8}{r.timeouts:>9}"
    )


def report(
    mix: list[Result], bare: Result, seconds: int, bare_seconds: int, timeout: int, route: str
) -> None:
    header = (
        f"{'page':<22}{'conns':>6}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{f'>{SLOW_AFTER_S} s':>8}{'errors':>8}{'timeouts':>9}"
    )
    connections = sum(r.connections for r in mix)
    print(f"\n=== {route} ===")
    print(f"mix: {connections} connections for {seconds} s (timeout {timeout} s)\n{header}")
    for r in mix:
        print(_row(r))
    total_rate = sum(r.rate for r in mix)
    print(
        f"{'all pages':<22}{connections:>6}{sum(r.requests for r in mix):>10}{total_rate:>9.1f}"
        f"{'':>26}{sum(r.errors for r in mix):>8}{sum(r.timeouts for r in mix):>9}"
    )
    print(f"\nyardstick: {bare.connections} connections for {bare_seconds} s, alone\n{header}")
    print(_row(bare))
    if bare.rate:
        print(f"\nthe mix: {total_rate / bare.rate:.2f}x the bare page's req/s")
    for r in [*mix, bare]:
        if r.errors or r.timeouts:
            print(
                f"  {r.name}: {r.not_200} answers other than 200 ({r.statuses or '-'}), "
                f"{r.socket_errors} socket errors, {r.timeouts} timeouts"
            )
            if not r.requests:
                print(r.output)


def compare(direct: list[Result], proxied: list[Result]) -> None:
    """Each page's req/s and p50 directly and through nginx, side by side."""
    print(f"\n=== directly and through nginx ===\n{'page':<22}"
          f"{'req/s':>9}{'proxied':>9}{'ratio':>7}{'p50 ms':>9}{'proxied':>9}")  # fmt: skip
    for a, b in zip(direct, proxied, strict=True):
        ratio = b.rate / a.rate if a.rate else 0.0
        print(
            f"{a.name:<22}{a.rate:>9.1f}{b.rate:>9.1f}{ratio:>7.2f}{a.p50_ms:>9.0f}{b.p50_ms:>9.0f}"
        )
    total_a, total_b = sum(r.rate for r in direct[:-1]), sum(r.rate for r in proxied[:-1])
    ratio = total_b / total_a if total_a else 0.0
    print(f"{'all pages of the mix':<22}{total_a:>9.1f}{total_b:>9.1f}{ratio:>7.2f}")


def prime(base: str, paths: list[str], threads: int = 4) -> None:
    """Ask for every path once (a few at a time), so that each page's cache is filled."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(lambda path: (path, fetch(base + path)), paths))
    failed = [f"{path} {status}" for path, status in statuses if status != 200]
    if failed:
        raise SystemExit(f"{len(failed)} pages did not answer 200: {', '.join(failed[:10])}")


def measure(
    base: str, app: str, jobs: dict, args, folder: Path, server: subprocess.Popen, log: Path
) -> tuple[list[Result], Result]:
    """The mix for ``--duration`` seconds, then the bare page alone, against ``base``."""
    mix = run_wrk(jobs, base, args.duration, args.timeout, folder)
    wait_until_ready(app, server, log)
    (bare,) = run_wrk(
        {"bare 25-row page": (args.connections, ["/bench/bare/"])},
        base,
        args.bare_duration,
        args.timeout,
        folder,
    )
    wait_until_ready(app, server, log)
    return mix, bare


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.load", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mix")
    parser.add_argument("--bare-duration", type=int, default=20, help="seconds of the bare page")
    parser.add_argument("--warmup", type=int, default=20, help="seconds of the mix, not measured")
    parser.add_argument(
        "--gunicorn",
        default="",
        help="extra gunicorn options after those of docker-compose.yml, to try others",
    )
    parser.add_argument(
        "--timeout", type=int, default=DEFAULT_TIMEOUT_S, help="seconds before wrk gives up"
    )
    parser.add_argument(
        "--no-proxy", action="store_true", help="only directly, without the run through nginx"
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("The load test needs wrk: apt-get install wrk")
    if not args.no_proxy and nginx_binary() is None:
        raise SystemExit("The load test runs through nginx too: apt-get install nginx")

    # nginx (an unprivileged user) serves the static files from here.
    static_root = readable_folder("lsa-loadtest-static-")
    media_root = readable_folder("lsa-loadtest-media-")
    environment = production_environment(static_root)
    os.environ.update(environment)
    ensure_database(environment["DATABASE_URL"])
    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    load_bench_data()
    call_command("collectstatic", interactive=False, verbosity=0)
    urls = page_urls(random.Random(200))
    connections.close_all()
    cache = redis.Redis.from_url(environment["REDIS_URL"])
    stale = list(cache.scan_iter("lsa-loadtest:*"))
    if stale:
        cache.delete(*stale)  # start from an empty page cache, as after a deploy

    gunicorn = compose_gunicorn_options() + shlex.split(args.gunicorn)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="lsa-loadtest-"))
    log = folder / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "lsa_portal.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        *gunicorn,
        "--error-logfile",
        str(log),
    ]
    print(f"gunicorn {shlex.join(command[3:])} (options from docker-compose.yml: {gunicorn})")
    print(f"database {environment['DATABASE_URL']}, cache {environment['REDIS_URL']}")
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    proxy = None
    try:
        wait_until_ready(base, server, log)
        if not args.no_proxy:
            # As docker-compose.yml runs it: one worker per CPU, access log on.
            proxy = Nginx(
                upstream=f"127.0.0.1:{port}",
                static_root=static_root,
                media_root=media_root,
                workers="auto",
            ).start()
            print(f"nginx {proxy.url} in front of gunicorn (deploy/nginx/portal.conf.template)")
        # One request per kind of page first: the run stops at once if a page does not answer
        # 200 (the other URLs stay uncached until the load reaches them).
        for name, paths in {**urls, "bare": ["/bench/bare/"]}.items():
            for target in [base] + ([proxy.url] if proxy else []):
                status = fetch(target + paths[0])
                if status != 200:
                    raise SystemExit(
                        f"{name} {target}{paths[0]} answered {status}: {log.read_text()}"
                    )
        counts = share(args.connections)
        print(
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the run; "
            f"mix of {sum(len(p) for p in urls.values())} URLs, wrk timeout {args.timeout} s"
        )
        jobs = {name: (counts[name], paths) for name, paths in urls.items()}
        if args.warmup:
            # The pages' caches filled once, as on a site that has been up for a while; not
            # measured. Then the requests of closed connections still queued at gunicorn drain.
            start = time.perf_counter()
            run_wrk(jobs, base, args.warmup, args.timeout, folder)
            wait_until_ready(base, server, log)
            print(f"warm-up: the mix for {args.warmup} s ({time.perf_counter() - start:.0f} s)")
        if proxy:
            # Every URL once more, so that the run through nginx does not find more pages cached
            # than the direct run before it did.
            start = time.perf_counter()
            prime(base, [path for paths in urls.values() for path in paths])
            print(f"every URL of the mix once ({time.perf_counter() - start:.0f} s)")
        runs = {"directly to gunicorn": measure(base, base, jobs, args, folder, server, log)}
        if proxy:
            runs["through nginx"] = measure(proxy.url, base, jobs, args, folder, server, log)
        print(f"load average {os.getloadavg()[0]:.2f} after the run")
    finally:
        if proxy is not None:
            proxy.stop()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)
    for route, (mix, bare) in runs.items():
        report(mix, bare, args.duration, args.bare_duration, args.timeout, route)
    if len(runs) == 2:
        (direct_mix, direct_bare), (proxied_mix, proxied_bare) = runs.values()
        compare([*direct_mix, direct_bare], [*proxied_mix, proxied_bare])
    problems = sum(r.errors + r.timeouts for mix, bare in runs.values() for r in [*mix, bare])
    if problems:
        print(f"\nFAILED: {problems} errors and timeouts (gunicorn log: {log})")
        return 1
    print("\n0 errors, 0 timeouts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
