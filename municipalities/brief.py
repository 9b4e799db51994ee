"""The municipal brief: the municipality page as an A4 PDF, through the same pipeline as the
case descriptions: a job record, a fingerprint so that an unchanged municipality reuses its
file, the hand-over to a worker after commit, a thin task, a sweep (``lsa_portal.pdf_jobs``).
The brief is public: it never holds contact persons, only what the public page shows."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from enterprises.models import Municipality
from lsa_portal.pdf_jobs import JobRunner

from . import caches, selectors
from .charts import turnover_chart
from .models import BriefJob


def brief_context(municipality: Municipality) -> dict:
    """What the brief shows: the public page's data, never contact persons."""
    page = selectors.municipality_page(municipality.slug)
    return {
        "page": page,
        "municipality": page.municipality,
        "chart": turnover_chart(page),
        "locator": selectors.locator(page.municipality),  # the page's map
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


def _file_name(job: BriefJob) -> str:
    return f"gemeenten/briefs/brief-{job.municipality.slug}-{job.pk}.pdf"


RUNNER = JobRunner(
    model=BriefJob,
    subject="municipality",
    task="municipalities.tasks.render_brief",
    html=lambda job: brief_html(job.municipality, generated_on=timezone.localdate()),
    file_name=_file_name,
)


@transaction.atomic
def request_brief(municipality: Municipality, *, by) -> BriefJob:
    """The brief of a municipality: the existing file when nothing changed, else a new job."""
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    fingerprint = input_hash(municipality)
    existing = RUNNER.reusable(municipality, fingerprint)
    if existing is not None:
        return existing
    job = BriefJob.objects.create(
        municipality=municipality,
        requested_by=by if by is not None and by.is_authenticated else None,
        input_hash=fingerprint,
    )
    caches.briefs_changed()  # the page offers the brief from now on
    RUNNER.enqueue_on_commit(job)
    return job


def render_job(job_id: int) -> BriefJob | None:
    """Render one brief (the task calls this); see ``lsa_portal.pdf_jobs.JobRunner.render``."""
    return RUNNER.render(job_id)


def sweep(now=None) -> int:
    """Hand briefs that no worker has (broker down, worker gone) to a worker again."""
    return RUNNER.sweep(now)
