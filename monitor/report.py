"""The monitor report: 'Monitor wijkondernemingen <year>' as a PDF of a fixed edition, made by
a Celery worker through the portal's PDF pipeline (``lsa_portal.pdf_jobs``: a job record, a
fingerprint so that an unchanged edition reuses its file, the hand-over after commit, a thin
task, the sweep), and published into the knowledge base as a report in one step.

The report shows what the year's page shows (the same includes and SVG charts) after a
methods paragraph that names the population and the response."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from knowledge import services as knowledge_services
from knowledge.models import Audience, Report, ReportAccess
from lsa_portal import audit
from lsa_portal.pdf_jobs import JobRunner, PdfJobStatus

from . import selectors
from .models import MonitorEdition, ReportJob

AUTHORS = "Landelijke vereniging van actieve bewoners"
# The audiences of the knowledge base the report is for (those that exist are linked).
AUDIENCES = ("gemeente", "professional", "bewoner")


def report_context(edition: MonitorEdition) -> dict:
    """What the report shows: the edition's figures and the trends up to its year."""
    from .views import year_context

    data = selectors.monitor(edition.year, edition=edition)
    if data is None:  # an edition is itself something known about its year
        raise LookupError(f"No monitor for the year of edition {edition.pk}")
    return {**year_context(data), "edition": edition}


def report_html(edition: MonitorEdition, *, generated_on=None) -> str:
    """The report's HTML, always in Dutch (the language of the association's reports)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {**report_context(edition), "generated_on": generated_on}
        return render_to_string("monitor/pdf/report.html", context)


def fingerprint(edition: MonitorEdition) -> str:
    """What the report shows, without the date it was made."""
    return hashlib.sha256(report_html(edition).encode()).hexdigest()


def _file_name(job: ReportJob) -> str:
    # Under a folder that cannot be guessed: the file is not public before it is published.
    folder = salted_hmac("monitor.report.file", str(job.pk)).hexdigest()[:32]
    return f"monitor/rapporten/{folder}/monitor-{job.edition.year}-{job.edition.number}.pdf"


RUNNER = JobRunner(
    model=ReportJob,
    subject="edition",
    task="monitor.tasks.render_report",
    html=lambda job: report_html(job.edition, generated_on=timezone.localdate()),
    file_name=_file_name,
)


@transaction.atomic
def request_report(edition: MonitorEdition, *, by) -> ReportJob:
    """Staff ask for the report of a fixed edition: its file when nothing changed, else a job
    that a worker renders after this transaction commits."""
    MonitorEdition.objects.select_for_update().get(pk=edition.pk)
    content = fingerprint(edition)
    existing = RUNNER.reusable(edition, content)
    if existing is not None:
        return existing
    job = ReportJob.objects.create(edition=edition, requested_by=by, input_hash=content)
    RUNNER.enqueue_on_commit(job)
    return job


def render_job(job_id: int) -> ReportJob | None:
    """Render one job (the Celery task calls this)."""
    return RUNNER.render(job_id)


def sweep(now=None) -> int:
    """Hand report jobs that no worker has to a worker again."""
    return RUNNER.sweep(now)


def latest_job(edition: MonitorEdition) -> ReportJob | None:
    return edition.report_jobs.order_by("-created_at", "-pk").first()


@transaction.atomic
def note_download(job: ReportJob, *, by) -> None:
    """Staff fetched a report's file (not public until it is published): in the audit log."""
    audit.record(by, audit.Action.FILE_DOWNLOADED, job, year=job.edition.year)


def report_title(year: int) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Monitor of neighbourhood enterprises %(year)s") % {"year": year}


def published_report(year: int) -> Report | None:
    """The knowledge base's report of the year's monitor, if it was published."""
    return Report.objects.filter(slug=_report_slug(year)).first()


def _report_slug(year: int) -> str:
    return slugify(f"monitor-wijkondernemingen-{year}")


@transaction.atomic
def publish_report(job: ReportJob, *, by) -> Report:
    """Put a rendered monitor report into the knowledge base as a published report, in one
    step: a new report the first time, the same report with the newer PDF after a
    correction."""
    job = ReportJob.objects.select_for_update().select_related("edition").get(pk=job.pk)
    if job.status != PdfJobStatus.DONE or not job.file:
        raise ValidationError(_("The report is not ready yet."))
    edition = job.edition
    data = selectors.from_json(edition.data)
    overall = data.overall
    with translation.override(settings.LANGUAGE_CODE):
        summary = ngettext(
            "The figures of %(count)s neighbourhood enterprise over %(year)s: what it earned "
            "and from where, who worked there and what real estate it holds.",
            "The figures of %(count)s neighbourhood enterprises over %(year)s: what they earned "
            "and from where, who worked there and what real estate they hold.",
            overall.count,
        ) % {"count": overall.count, "year": edition.year}
        if edition.is_correction:
            correction = _("Corrected edition %(number)s.") % {"number": edition.number}
            summary = f"{summary} {correction}"
    report = Report.objects.filter(slug=_report_slug(edition.year)).first() or Report(
        slug=_report_slug(edition.year)
    )
    report.title = report_title(edition.year)
    report.summary = summary
    report.authors = AUTHORS
    report.access = ReportAccess.OPEN
    report.publication_date = timezone.localdate()
    with job.file.open("rb") as handle:
        content = handle.read()
    report.pdf.save(
        f"monitor-wijkondernemingen-{edition.year}.pdf", ContentFile(content), save=False
    )
    report.save()
    report.audiences.set(Audience.objects.filter(slug__in=AUDIENCES))
    knowledge_services.publish(report, by=by, when=timezone.now())
    audit.record(
        by,
        audit.Action.MONITOR_REPORT_PUBLISHED,
        report,
        year=edition.year,
        edition=edition.number,
        job=job.pk,
    )
    return report
