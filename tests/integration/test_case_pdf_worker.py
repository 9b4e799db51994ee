"""Case-description PDFs made by a real Celery worker over Redis, also when things go wrong."""

import time
import uuid

import pytest
from django.db import transaction

from knowledge import case_pdf
from knowledge.models import PdfJob
from lsa_portal.pdf_jobs import PdfJobStatus
from tests.factories import (
    CaseDescriptionFactory,
    EnterpriseFactory,
    StaffFactory,
    YearFiguresFactory,
)
from tests.integration.conftest import Worker

pytestmark = [
    pytest.mark.integration,
    pytest.mark.real_broker,
    pytest.mark.django_db(transaction=True),
]


def wait_for(job: PdfJob, statuses: set[str], timeout: float = 60) -> PdfJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.1)
    pytest.fail(f"job stayed {job.status} for {timeout:.0f} s")


def request(case) -> PdfJob:
    with transaction.atomic():  # enqueued on commit, as in a request
        return case_pdf.request_pdf(case, by=StaffFactory())


def long_case():
    enterprise = EnterpriseFactory(name="Wijkbedrijf De Lange Adem")
    YearFiguresFactory(enterprise=enterprise, income_sales=42_000)
    paragraphs = "\n\n".join(
        f"## Hoofdstuk {n}\n\n" + "De buurt werkte samen aan een plan voor het gebouw. " * 30
        for n in range(25)
    )
    return CaseDescriptionFactory(enterprise=enterprise, body=paragraphs)


def test_a_worker_takes_the_job_from_queued_to_done(celery_worker_queue, pdf_queue):
    pdf_queue(celery_worker_queue)
    enterprise = EnterpriseFactory(name="Buurtbedrijf Echte Werker")
    YearFiguresFactory(enterprise=enterprise, year=2024, income_sales=55_500)
    case = CaseDescriptionFactory(enterprise=enterprise)
    job = request(case)
    assert job.status == PdfJobStatus.QUEUED
    job = wait_for(job, {PdfJobStatus.DONE, PdfJobStatus.FAILED})
    assert job.status == PdfJobStatus.DONE, job.error
    from io import BytesIO

    from pypdf import PdfReader

    with job.file.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages)
    assert "Buurtbedrijf Echte Werker" in text
    assert "105.500" in text  # 55.500 sales + 20.000 rent + 30.000 subsidies


def test_a_worker_killed_mid_render_leaves_a_job_that_another_finishes_with_one_file(
    broker_url, pdf_queue, worker_media_root, tmp_path
):
    queue = f"kill-{uuid.uuid4().hex[:8]}"
    pdf_queue(queue)
    # A short visibility timeout: Redis hands the dead worker's unacknowledged task out again.
    first = Worker(
        broker_url, queue, worker_media_root, tmp_path, CELERY_VISIBILITY_TIMEOUT="3"
    ).start()
    job = request(long_case())
    wait_for(job, {PdfJobStatus.RENDERING})
    first.kill()
    job.refresh_from_db()
    assert job.status == PdfJobStatus.RENDERING and job.attempts == 1

    second = Worker(
        broker_url, queue, worker_media_root, tmp_path, CELERY_VISIBILITY_TIMEOUT="3"
    ).start()
    try:
        job = wait_for(job, {PdfJobStatus.DONE, PdfJobStatus.FAILED}, timeout=120)
    finally:
        second.stop()
    assert job.status == PdfJobStatus.DONE, job.error
    assert job.attempts == 2
    files = [
        p
        for p in (worker_media_root / "casussen" / "pdf").rglob("*.pdf")
        if p.name.startswith(f"casus-{job.pk}-")
    ]
    assert len(files) == 1


def test_a_failing_render_in_the_worker_ends_as_failed_with_a_readable_error(
    broker_url, pdf_queue, worker_media_root, tmp_path
):
    queue = f"limit-{uuid.uuid4().hex[:8]}"
    pdf_queue(queue)
    worker = Worker(broker_url, queue, worker_media_root, tmp_path, PDF_MAX_PAGES="1").start()
    try:
        job = wait_for(request(CaseDescriptionFactory()), {PdfJobStatus.DONE, PdfJobStatus.FAILED})
    finally:
        worker.stop()
    assert job.status == PdfJobStatus.FAILED
    assert job.error.startswith("De pdf kon niet worden gemaakt: de pdf zou ")
    assert "hoogstens 1" in job.error
    assert not job.file
