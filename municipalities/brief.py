"""The municipal brief: the municipality page as an A4 PDF, through the same pipeline as the
case descriptions (``knowledge.case_pdf``): a job record, a fingerprint so that an unchanged
municipality reuses its file, the hand-over to a worker after commit, a thin task, a sweep.
The rendering itself is ``lsa_portal.pdf.render_document``. The brief is public: it never holds
contact persons, only what the public page shows."""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enterprises.charts import totals_chart
from enterprises.models import Municipality
from knowledge.models import PdfJobStatus
from lsa_portal.pdf import render_document

from . import selectors
from .models import BriefJob

logger = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)


def brief_context(municipality: Municipality) -> dict:
    """What the brief shows: the public page's data, never contact persons."""
    page = selectors.municipality_page(municipality.slug)
    data = page.figures
    chart = None
    if data.shown:
        chart = totals_chart(
            data.stream_totals,
            data.stream_percentages,
            _("Income of the enterprises in %(name)s together") % {"name": municipality.name},
        )
    return {
        "page": page,
        "municipality": page.municipality,
        "chart": chart,
        "min_group": selectors.MIN_GROUP,
        "base_url": settings.PORTAL_BASE_URL,
    }


def brief_html(municipality: Municipality, *, generated_on=None) -> str:
    """The brief's HTML, in Dutch like the portal's default."""
    context = {**brief_context(municipality), "generated_on": generated_on}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("municipalities/pdf/brief.html", context)


def input_hash(municipality: Municipality) -> str:
    """A fingerprint of what the brief shows, without the date in its footer."""
    return hashlib.sha256(brief_html(municipality).encode()).hexdigest()


def _enqueue(job_id: int) -> None:
    from .tasks import render_brief

    try:
        render_brief.apply_async(args=[job_id], retry=False, queue=settings.PDF_TASK_QUEUE)
    except Exception:  # noqa: BLE001 - any broker failure: the job stays queued for the sweep
        logger.warning("Brief job %s not handed to a worker; the sweep will retry", job_id)
        return
    BriefJob.objects.filter(pk=job_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())


@transaction.atomic
def request_brief(municipality: Municipality, *, by) -> BriefJob:
    """The brief of a municipality: the existing file when nothing changed, else a new job."""
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    fingerprint = input_hash(municipality)
    existing = (
        BriefJob.objects.filter(municipality=municipality, input_hash=fingerprint)
        .exclude(status=PdfJobStatus.FAILED)
        .order_by("-created_at")
        .first()
    )
    if existing is not None and (existing.is_running or existing.file):
        return existing
    job = BriefJob.objects.create(
        municipality=municipality,
        requested_by=by if by is not None and by.is_authenticated else None,
        input_hash=fingerprint,
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def render_job(job_id: int) -> BriefJob | None:
    """Render one brief (the task calls this). Idempotent: a done job is left alone, and the
    file always has one name, so a redelivered task leaves one file."""
    with transaction.atomic():
        job = (
            BriefJob.objects.select_for_update()
            .select_related("municipality")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status == PdfJobStatus.DONE:
            return job
        job.status = PdfJobStatus.RENDERING
        job.attempts += 1
        job.started_at = timezone.now()
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "error"])
    started = time.perf_counter()
    try:
        rendered = render_document(brief_html(job.municipality, generated_on=timezone.localdate()))
        storage = BriefJob._meta.get_field("file").storage
        name = f"gemeenten/briefs/brief-{job.municipality.slug}-{job.pk}.pdf"
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(rendered.content))
    except Exception as error:  # noqa: BLE001 - shown on the page in plain words, never a 500
        logger.exception("Brief job %s failed", job_id)
        message = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
        BriefJob.objects.filter(pk=job_id).update(
            status=PdfJobStatus.FAILED,
            error=_("The brief could not be made: %(error)s")
            % {"error": message or type(error).__name__},
            finished_at=timezone.now(),
        )
        return BriefJob.objects.get(pk=job_id)
    BriefJob.objects.filter(pk=job_id).update(
        file=saved,
        status=PdfJobStatus.DONE,
        pages=rendered.pages,
        size_bytes=len(rendered.content),
        render_ms=int((time.perf_counter() - started) * 1000),
        finished_at=timezone.now(),
    )
    return BriefJob.objects.get(pk=job_id)


def sweep(now=None) -> int:
    """Hand briefs that no worker has (broker down, worker gone) to a worker again."""
    limit = (now or timezone.now()) - STUCK_AFTER
    ids = list(
        BriefJob.objects.filter(
            Q(status=PdfJobStatus.QUEUED, enqueued_at__isnull=True)
            | Q(status=PdfJobStatus.QUEUED, enqueued_at__lt=limit)
            | Q(status=PdfJobStatus.RENDERING, started_at__lt=limit)
        ).values_list("pk", flat=True)
    )
    for job_id in ids:
        BriefJob.objects.filter(pk=job_id).update(enqueued_at=None)
        _enqueue(job_id)
    return len(ids)
