"""Case-description PDFs: request-to-file time through a real worker against the pure WeasyPrint
render of the same HTML, pages and size, a worker's memory after 10 and after 200 renders, and
jobs per minute with two workers. Without CELERY_BROKER_URL it says so and measures in-process."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[2]
TARGET_RATIO = 1.5
TARGET_MEMORY = 1.3


def _case():
    from enterprises.models import Asset, Enterprise, Municipality, YearFigures
    from knowledge.models import CaseDescription

    enterprise = Enterprise.objects.create(
        name="Bench Bewonersbedrijf De Meetlat",
        slug=f"bench-meetlat-{uuid.uuid4().hex[:6]}",
        kind="bewonersbedrijf",
        municipality=Municipality.objects.get(cbs_code="GM0344"),
        neighbourhood="Meetwijk",
        mission="De winst gaat terug naar de wijk. " * 20,
        status="gepubliceerd",
    )
    Asset.objects.create(
        enterprise=enterprise, kind="gebouw", name="Het meethuis", tenure="eigendom"
    )
    for year in range(2019, 2025):
        YearFigures.objects.create(
            enterprise=enterprise, year=year, income_sales=40_000 + year, income_rent=20_000,
            income_subsidies=30_000, expenses=85_000, volunteers=30,
        )  # fmt: skip
    body = "\n\n".join(
        f"## Deel {n}\n\n" + "Bewoners bouwden samen aan de wijk. " * 25 for n in range(6)
    )
    return CaseDescription.objects.create(
        title="De Meetlat meet", slug=f"de-meetlat-{uuid.uuid4().hex[:6]}", summary="Een casus.",
        body=body, enterprise=enterprise, status="gepubliceerd", published_at="2024-01-01T12:00Z",
    )  # fmt: skip


def _worker_env(media: Path, queue: str) -> dict:
    db = connection.settings_dict
    env = {**os.environ, "MEDIA_ROOT": str(media), "PDF_TASK_QUEUE": queue, "PYTHONUNBUFFERED": "1"}
    if connection.vendor == "postgresql":
        user = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{db['NAME']}"
    return env


def _start_workers(count: int, media: Path, queue: str, pool: str = "prefork") -> list:
    from lsa_portal.celery import app

    processes, nodes = [], []
    for number in range(count):
        node = f"bench-{number}-{uuid.uuid4().hex[:6]}@localhost"
        command = [
            sys.executable, "-m", "celery", "-A", "lsa_portal", "worker", f"--pool={pool}",
            "--concurrency=1", "-n", node, "-Q", queue, "--without-gossip", "--without-mingle",
            "--loglevel=WARNING",
        ]  # fmt: skip
        processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=_worker_env(media, queue), start_new_session=True
            )
        )
        nodes.append(node)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answered = {
            name for reply in app.control.ping(destination=nodes, timeout=1.0) for name in reply
        }
        if answered >= set(nodes):
            return processes
    raise RuntimeError("the bench workers did not start")


def _stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the prefork pool), in MB."""
    pids, total = [pid], 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def _new_jobs(case, count: int) -> list:
    from knowledge import case_pdf
    from knowledge.models import PdfJob

    jobs = [PdfJob.objects.create(case=case, input_hash=uuid.uuid4().hex) for _ in range(count)]
    for job in jobs:
        case_pdf.RUNNER.enqueue(job.pk)
    return jobs


def _wait(jobs, timeout: float = 600) -> None:
    from knowledge.models import PdfJob
    from lsa_portal.pdf_jobs import PdfJobStatus

    ids = [job.pk for job in jobs]
    deadline = time.monotonic() + timeout
    while PdfJob.objects.filter(
        pk__in=ids, status__in=[PdfJobStatus.QUEUED, PdfJobStatus.RENDERING]
    ).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("jobs did not finish")
        time.sleep(0.005)


def run(out) -> None:
    from knowledge import case_pdf
    from lsa_portal.celery import app
    from lsa_portal.pdf import render_document

    case = _case()
    html = case_pdf.stamped(case_pdf.case_html(case), 1, date.today())
    render_document(html)  # fonts and stylesheet loaded once, as in a warm worker
    pure = []
    for _ in range(10):
        start = time.perf_counter()
        rendered = render_document(html)
        pure.append((time.perf_counter() - start) * 1000)
    pure_ms = statistics.median(pure)
    size_kb = len(rendered.content) / 1024
    out(
        f"pure WeasyPrint render: {pure_ms:.0f} ms median, {rendered.pages} pages, {size_kb:.0f} KB"
    )

    if app.conf.task_always_eager:
        out("no CELERY_BROKER_URL: request-to-file below is in-process (eager), not a real worker")
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            timings = []
            for number in range(10):
                case.summary = f"Een casus, meting {number}."
                case.save()
                start = time.perf_counter()
                with transaction.atomic():
                    case_pdf.request_pdf(case, by=None)
                timings.append((time.perf_counter() - start) * 1000)
        median_ms = statistics.median(timings)
        ratio = median_ms / pure_ms
        out(f"request to file (in-process): {median_ms:.0f} ms median, {ratio:.2f}x pure")
        return

    queue = f"bench-pdf-{uuid.uuid4().hex[:6]}"
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, PDF_TASK_QUEUE=queue),
    ):
        _with_real_workers(out, case, pure_ms, Path(media), queue)


def _with_real_workers(out, case, pure_ms: float, media: Path, queue: str) -> None:
    from knowledge import case_pdf

    workers = _start_workers(1, media, queue)
    try:
        _wait(_new_jobs(case, 3))  # warm the worker
        timings = []
        for number in range(10):
            case.summary = f"Een casus, meting {number}."
            case.save()
            start = time.perf_counter()
            with transaction.atomic():
                job = case_pdf.request_pdf(case, by=None)
            _wait([job])
            timings.append((time.perf_counter() - start) * 1000)
        median_ms = statistics.median(timings)
        ratio = median_ms / pure_ms
        out(
            f"request to file (real worker): {median_ms:.0f} ms median, {ratio:.2f}x "
            f"the pure render (target <= {TARGET_RATIO})"
        )
        pid = workers[0].pid
        _wait(_new_jobs(case, 10))
        after_10 = _tree_rss_mb(pid)
        _wait(_new_jobs(case, 190))
        after_200 = _tree_rss_mb(pid)
        per_child = settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
        out(
            f"worker memory (prefork, concurrency 1, max {per_child} tasks per child): "
            f"{after_10:.0f} MB after 10 renders, {after_200:.0f} MB after 200 "
            f"({after_200 / after_10:.2f}x, target <= {TARGET_MEMORY})"
        )
    finally:
        _stop(workers)
    workers = _start_workers(2, media, queue)
    try:
        _wait(_new_jobs(case, 2))
        start = time.perf_counter()
        _wait(_new_jobs(case, 40))
        minutes = (time.perf_counter() - start) / 60
        out(f"throughput with two workers: {40 / minutes:.0f} jobs per minute (40 jobs)")
    finally:
        _stop(workers)
