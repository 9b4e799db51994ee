"""The pieces every kind of PDF job shares: its Celery tasks (declared by one factory) and the
download of a done job's file."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import Http404
from django.utils.module_loading import import_string

from knowledge import case_pdf
from knowledge import tasks as knowledge_tasks
from lsa_portal import pdf_jobs
from lsa_portal.celery import app
from lsa_portal.pdf import RenderedPdf
from lsa_portal.pdf_jobs import MAX_ATTEMPTS, PdfJobStatus, TransientError
from monitor import report
from monitor import tasks as monitor_tasks
from municipalities import brief
from municipalities import tasks as municipal_tasks
from municipalities.models import BriefJob
from tests.factories import MunicipalityFactory

# Each kind: its runner, its tasks module with the attributes, the names messages and beat use,
# and its time limits (hard, soft) in seconds.
KINDS = [
    pytest.param(
        case_pdf.RUNNER,
        knowledge_tasks,
        ("render_case_pdf", "knowledge.render_case_pdf"),
        ("sweep_pdf_jobs", "knowledge.sweep_pdf_jobs"),
        (180, 150),
        id="case descriptions",
    ),
    pytest.param(
        brief.RUNNER,
        municipal_tasks,
        ("render_brief", "municipalities.render_brief"),
        ("sweep_briefs", "municipalities.sweep_briefs"),
        (180, 150),
        id="municipal briefs",
    ),
    pytest.param(
        report.RUNNER,
        monitor_tasks,
        ("render_report", "monitor.render_report"),
        ("sweep_reports", "monitor.sweep_reports"),
        (300, 240),
        id="monitor reports",
    ),
]


@pytest.mark.parametrize(("runner", "module", "render", "sweep", "limits"), KINDS)
def test_each_kind_declares_its_tasks_under_the_names_messages_and_beat_use(
    runner, module, render, sweep, limits
):
    (render_attr, render_name), (sweep_attr, sweep_name) = render, sweep
    render_task, sweep_task = getattr(module, render_attr), getattr(module, sweep_attr)
    assert render_task.name == render_name
    assert sweep_task.name == sweep_name
    # What a worker looks up by a message's name is the task the module holds...
    assert app.tasks[render_name] is render_task._get_current_object()
    assert app.tasks[sweep_name] is sweep_task._get_current_object()
    # ...and the runner hands its jobs to that same task.
    assert import_string(runner.task).name == render_name
    assert render_task.acks_late is True
    assert render_task.reject_on_worker_lost is True
    assert render_task.autoretry_for == (TransientError,)
    assert (render_task.retry_backoff, render_task.retry_backoff_max) == (5, 300)
    assert render_task.max_retries == MAX_ATTEMPTS
    assert (render_task.time_limit, render_task.soft_time_limit) == limits


def test_every_sweep_that_beat_runs_is_a_declared_task():
    app.loader.import_default_modules()  # what a worker imports when it starts
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    sweeps = {"knowledge.sweep_pdf_jobs", "municipalities.sweep_briefs", "monitor.sweep_reports"}
    assert sweeps <= scheduled
    assert [name for name in scheduled if name not in app.tasks] == []


def _tiny_pdf(html: str) -> RenderedPdf:
    return RenderedPdf(content=b"%PDF-1.7 brief", pages=1)


@pytest.mark.django_db
def test_the_sweep_task_hands_a_waiting_job_to_a_worker(monkeypatch):
    monkeypatch.setattr(pdf_jobs, "render_document", _tiny_pdf)
    job = BriefJob.objects.create(municipality=MunicipalityFactory(), input_hash="x")
    assert municipal_tasks.sweep_briefs.apply().get() == 1  # no broker in tests: rendered here
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE


@pytest.mark.django_db
def test_the_render_task_retries_a_full_disk_then_fails_the_job_in_plain_words(monkeypatch):
    tries = []

    def disk_full(html):
        tries.append(html)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_jobs, "render_document", disk_full)
    # Eager, as without a broker: each retry runs at once. A retry in eager mode raises unless
    # errors stay in the result, as they do on a worker.
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    job = BriefJob.objects.create(municipality=MunicipalityFactory(), input_hash="x")
    municipal_tasks.render_brief.apply(args=[job.pk])
    job.refresh_from_db()
    assert len(tries) == 1 + MAX_ATTEMPTS  # the first try and every retry
    assert job.status == PdfJobStatus.FAILED
    assert "na meerdere pogingen" in job.error and "No space left" in job.error


@pytest.fixture
def done_brief(db):
    job = BriefJob.objects.create(municipality=MunicipalityFactory(slug="pdfstad"), input_hash="x")
    job.file.save("brief.pdf", ContentFile(b"%PDF-1.7 brief"), save=False)
    job.status = PdfJobStatus.DONE
    job.save()
    return job


def test_a_done_job_downloads_as_an_attachment_under_the_given_name(done_brief):
    response = pdf_jobs.download(done_brief, filename="gemeente-pdfstad.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="gemeente-pdfstad.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 brief"


@pytest.mark.parametrize(
    "status", [PdfJobStatus.QUEUED, PdfJobStatus.RENDERING, PdfJobStatus.FAILED]
)
def test_a_job_that_is_not_done_is_not_found(done_brief, status):
    BriefJob.objects.filter(pk=done_brief.pk).update(status=status)
    done_brief.refresh_from_db()
    with pytest.raises(Http404):
        pdf_jobs.download(done_brief, filename="gemeente-pdfstad.pdf")


def test_no_job_and_a_job_whose_file_is_gone_are_not_found(done_brief):
    with pytest.raises(Http404):
        pdf_jobs.download(None, filename="gemeente-pdfstad.pdf")
    done_brief.file.storage.delete(done_brief.file.name)
    with pytest.raises(Http404):
        pdf_jobs.download(done_brief, filename="gemeente-pdfstad.pdf")
