"""Case descriptions as PDF: what goes in, the job that a Celery worker renders, and the sweep.

The flow: ``request_pdf()`` fingerprints the case's content; the same content reuses the file of
a done job; otherwise a job is queued and handed to the worker after the transaction commits.
The task (tasks.py) only calls ``render_job()``, which is safe to run twice: a job that is done
stays done, and its file is always written under one name, so a redelivered job leaves exactly
one file. If the broker is unreachable the job simply stays queued; ``sweep()`` (celery beat,
or ``manage.py sweep_pdf_jobs`` from cron) hands such jobs to a worker again.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _

from enterprises.charts import income_chart
from enterprises.figures import IncomeMix
from enterprises.models import Enterprise
from lsa_portal.pdf import render_document
from pioneers import selectors as pioneer_selectors
from pioneers.mengpaneel import desk_for
from pioneers.models import MilestoneStatus, Pioneer

from .models import CaseDescription, PdfJob, PdfJobStatus

logger = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)  # queued or rendering this long: hand it out again
MAX_ATTEMPTS = 3


class TransientError(Exception):
    """Worth another try later (the database or the disk was briefly unavailable)."""


def _enterprise_part(enterprise: Enterprise | None) -> dict | None:
    """The published profile of the case's enterprise; nothing of a concept or internal."""
    if enterprise is None or not enterprise.is_published:
        return None
    years = list(enterprise.year_figures.order_by("year"))
    rows = [
        {
            "figures": year,
            "chart": income_chart(year),
            "mix": IncomeMix(year.income_by_stream(), year.expenses),
        }
        for year in reversed(years)
    ]
    return {
        "enterprise": enterprise,
        "themes": list(enterprise.themes.all()),
        "assets": list(enterprise.assets.order_by("kind", "name")),
        "years": rows,
        "latest": rows[0] if rows else None,
    }


def _pioneer_part(enterprise: Enterprise | None) -> dict | None:
    """For a pioneer of the WijkBV programme: its plan, the mengpaneel at the start and now,
    milestones achieved and published lessons. Never the log, notes or reviewers' scores; the
    ambition and plan text only when the pioneer agreed to show them publicly."""
    if enterprise is None or not enterprise.is_published:
        return None
    pioneer = (
        Pioneer.objects.filter(enterprise=enterprise)
        .select_related("cohort")
        .order_by("-started_on")
        .first()
    )
    if pioneer is None:
        return None
    elements = pioneer_selectors.elements_for(pioneer)
    readings = list(pioneer.readings.prefetch_related("values").order_by("taken_on", "pk"))
    first, last = (readings[0], readings[-1]) if readings else (None, None)
    achieved = pioneer.milestones.filter(status=MilestoneStatus.ACHIEVED)
    return {
        "pioneer": pioneer,
        "show_ambition": pioneer.show_ambition_publicly,
        "desk_start": desk_for(elements, first, None, _("Mengpaneel at the start"))
        if first
        else None,
        "desk_now": (
            desk_for(elements, last, first, _("Mengpaneel now")) if last and last != first else None
        ),
        "first": first,
        "last": last,
        "milestones": list(achieved.order_by("achieved_on", "due_date")),
        "lessons": list(pioneer.lessons.filter(published=True).order_by("published_at", "pk")),
    }


def case_context(case: CaseDescription) -> dict:
    """Everything the PDF shows: only published or shared data."""
    case = (
        CaseDescription.objects.select_related("enterprise__municipality")
        .prefetch_related("themes")
        .get(pk=case.pk)
    )
    return {
        "case": case,
        "profile": _enterprise_part(case.enterprise),
        "programme": _pioneer_part(case.enterprise),
        "themes": list(case.themes.all()),
    }


# Where the version and the date go in the footer: filled in by the worker, so that the HTML
# (rendered once, at request time) fingerprints the content alone.
FOOTER_MARKER = "<!--version-and-date-->"


def case_html(case: CaseDescription) -> str:
    """The PDF's HTML, always in Dutch (the case descriptions are written in Dutch), with a
    marker where the version and the date go."""
    context = {**case_context(case), "footer_marker": FOOTER_MARKER}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("knowledge/pdf/case.html", context)


def stamped(html: str, version: int, on) -> str:
    """The HTML with its version and date in the footer."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _("version %(version)s · %(date)s") % {
            "version": version,
            "date": date_format(on, "j F Y"),
        }
    return html.replace(FOOTER_MARKER, escape(f" · {text}"), 1)


def fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


def _enqueue(job_id: int) -> None:
    """Hand a job to a worker; if the broker cannot be reached, the sweep will do it later."""
    from .tasks import render_case_pdf

    try:
        render_case_pdf.apply_async(args=[job_id], retry=False, queue=settings.PDF_TASK_QUEUE)
    except Exception:  # noqa: BLE001 - any broker failure: the job stays queued for the sweep
        logger.warning("PDF job %s not handed to a worker; the sweep will retry", job_id)
        return
    PdfJob.objects.filter(pk=job_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())


@transaction.atomic
def request_pdf(case: CaseDescription, *, by) -> PdfJob:
    """Staff ask for the case's PDF: the existing file when nothing changed, else a new job."""
    CaseDescription.objects.select_for_update().get(pk=case.pk)
    html = case_html(case)  # rendered once: fingerprinted here, stamped and printed by the worker
    content_hash = fingerprint(html)
    existing = (
        PdfJob.objects.filter(case=case, input_hash=content_hash)
        .exclude(status=PdfJobStatus.FAILED)
        .order_by("-created_at")
        .first()
    )
    if existing is not None and (existing.is_running or existing.file):
        return existing
    latest = (
        PdfJob.objects.filter(case=case)
        .exclude(status=PdfJobStatus.FAILED)
        .aggregate(version=Max("version"))["version"]
    )
    job = PdfJob.objects.create(
        case=case, requested_by=by, input_hash=content_hash, html=html, version=(latest or 0) + 1
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _file_name(job: PdfJob) -> str:
    """The same for every run of one job (a redelivered job overwrites its file), under a
    folder that cannot be worked out from the case's slug and the job's number: where the media
    folder is served as it is (Django does so under DEBUG), a draft's PDF cannot be found by
    trying addresses."""
    folder = salted_hmac("knowledge.case_pdf.file", str(job.pk)).hexdigest()[:32]
    return f"{folder}/casus-{job.case.slug}-v{job.version}-{job.pk}.pdf"


def render_job(job_id: int) -> PdfJob:
    """Render one job (the Celery task calls this). Idempotent: a done job is left alone."""
    with transaction.atomic():
        job = PdfJob.objects.select_for_update().select_related("case").filter(pk=job_id).first()
        if job is None or job.status == PdfJobStatus.DONE:
            return job  # gone with its case, or already done (a redelivered task)
        job.status = PdfJobStatus.RENDERING
        job.attempts += 1
        job.started_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "error"])
    started = time.perf_counter()
    try:
        html = stamped(job.html or case_html(job.case), job.version, timezone.localdate())
        rendered = render_document(html)
        if rendered.pages > settings.PDF_MAX_PAGES:
            raise ValueError(
                _("the PDF would have %(pages)s pages, at most %(limit)s are allowed")
                % {"pages": rendered.pages, "limit": settings.PDF_MAX_PAGES}
            )
        storage = PdfJob._meta.get_field("file").storage
        name = f"casussen/pdf/{_file_name(job)}"
        if storage.exists(name):
            storage.delete(name)  # a redelivered job overwrites, so there is one file
        saved = storage.save(name, ContentFile(rendered.content))
    except (OperationalError, OSError) as error:
        _fail(
            job,
            _("The PDF could not be saved, the system will try again: %(error)s")
            % {"error": error},
        )
        raise TransientError(str(error)) from error
    except Exception as error:  # noqa: BLE001 - shown to staff in plain words, never a 500
        logger.exception("PDF job %s failed", job_id)
        _fail(job, _("The PDF could not be made: %(error)s") % {"error": _plain(error)}, final=True)
        return job
    with transaction.atomic():
        job = PdfJob.objects.select_for_update().select_related("case").get(pk=job_id)
        job.file.name = saved
        job.status = PdfJobStatus.DONE
        job.pages = rendered.pages
        job.size_bytes = len(rendered.content)
        job.render_ms = int((time.perf_counter() - started) * 1000)
        job.finished_at = timezone.now()
        job.save()
        CaseDescription.objects.filter(pk=job.case_id).update(pdf=saved)
    return job


def _plain(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:300]


def _fail(job: PdfJob, message: str, *, final: bool = False) -> None:
    status = PdfJobStatus.FAILED if final or job.attempts >= MAX_ATTEMPTS else PdfJobStatus.QUEUED
    finished = timezone.now() if status == PdfJobStatus.FAILED else None
    PdfJob.objects.filter(pk=job.pk).update(status=status, error=message, finished_at=finished)


def give_up(job_id: int, error: str) -> None:
    """After the last retry: the job failed, in words staff can act on."""
    PdfJob.objects.filter(pk=job_id).exclude(status=PdfJobStatus.DONE).update(
        status=PdfJobStatus.FAILED,
        error=_("The PDF could not be made after several tries: %(error)s")
        % {"error": error[:300]},
        finished_at=timezone.now(),
    )


def sweep(now=None) -> int:
    """Hand jobs that no worker has (broker down, worker gone) to a worker again."""
    now = now or timezone.now()
    limit = now - STUCK_AFTER
    stuck = PdfJob.objects.filter(
        Q(status=PdfJobStatus.QUEUED, enqueued_at__isnull=True)
        | Q(status=PdfJobStatus.QUEUED, enqueued_at__lt=limit)
        | Q(status=PdfJobStatus.RENDERING, started_at__lt=limit)
    )
    ids = list(stuck.values_list("pk", flat=True))
    for job_id in ids:
        PdfJob.objects.filter(pk=job_id).update(enqueued_at=None)
        _enqueue(job_id)
    return len(ids)


def latest_done(case: CaseDescription) -> PdfJob | None:
    return (
        case.pdf_jobs.filter(status=PdfJobStatus.DONE).order_by("-version", "-created_at").first()
    )


def _unique_case_slug(title: str) -> str:
    base = slugify(title)[:180] or "casus"
    slug, number = base, 2
    while CaseDescription.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def case_for_pioneer(pioneer: Pioneer, *, by) -> CaseDescription:
    """The pioneer's case description: its newest one, or a new draft for staff to write."""
    existing = CaseDescription.objects.filter(enterprise=pioneer.enterprise).order_by("-pk").first()
    if existing is not None:
        return existing
    title = _("%(name)s in the WijkBV programme") % {"name": pioneer.enterprise.name}
    summary = (
        pioneer.ambition
        if pioneer.show_ambition_publicly and pioneer.ambition
        else _("How a pioneer of the WijkBV programme builds an economic power base.")
    )
    case = CaseDescription(
        title=title, slug=_unique_case_slug(title), summary=summary[:1000], body="",
        enterprise=pioneer.enterprise,
    )  # fmt: skip
    case.save()
    return case


def request_for_cohort(cohort, *, by) -> list[PdfJob]:
    """'Generate for all pioneers of a cohort': one job (or a reused file) per active pioneer."""
    pioneers = Pioneer.objects.filter(cohort=cohort, active=True).select_related("enterprise")
    return [request_pdf(case_for_pioneer(pioneer, by=by), by=by) for pioneer in pioneers]


@dataclass(frozen=True)
class CohortProgress:
    rows: list[tuple[Pioneer, CaseDescription | None, PdfJob | None]]
    done: int
    failed: int
    total: int

    @property
    def running(self) -> bool:
        return self.done + self.failed < self.total


def cohort_progress(cohort) -> CohortProgress:
    """Each pioneer of the cohort with its case description and newest PDF job."""
    pioneers = list(
        Pioneer.objects.filter(cohort=cohort, active=True)
        .select_related("enterprise")
        .order_by("enterprise__name")
    )
    cases = {}
    for case in CaseDescription.objects.filter(
        enterprise__in=[p.enterprise_id for p in pioneers]
    ).order_by("pk"):
        cases[case.enterprise_id] = case  # the newest wins
    jobs = {}
    for job in PdfJob.objects.filter(case__in=list(cases.values())).order_by("created_at", "pk"):
        jobs[job.case_id] = job
    rows = []
    for pioneer in pioneers:
        case = cases.get(pioneer.enterprise_id)
        rows.append((pioneer, case, jobs.get(case.pk) if case else None))
    with_jobs = [job for _, _, job in rows if job]
    return CohortProgress(
        rows=rows,
        done=sum(job.status == PdfJobStatus.DONE for job in with_jobs),
        failed=sum(job.status == PdfJobStatus.FAILED for job in with_jobs),
        total=len(with_jobs),
    )
