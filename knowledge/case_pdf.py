"""Case descriptions as PDF: what goes in, the job that a Celery worker renders, and the sweep.

The flow: ``request_pdf()`` renders and fingerprints the case's content; the same content reuses
the file of a done job; otherwise a job is queued and handed to the worker after the transaction
commits. The job's life after that (rendering that is safe to run twice, retries, the sweep for
jobs no worker has: celery beat or ``manage.py sweep_pdf_jobs`` from cron) is the same for every
PDF of the portal: ``lsa_portal.pdf_jobs``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
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
from lsa_portal import audit
from lsa_portal.pdf_jobs import JobRunner, PdfJobStatus
from pioneers import selectors as pioneer_selectors
from pioneers.models import Element, MilestoneStatus, Pioneer, ReadingValue

from .models import CaseDescription, PdfJob

# The case's own headings (## and ###, h2 and h3) one level down, into the sanitizer's allow-list.
_HEADING_TAG = re.compile(r"<(/?)h([23])\b", re.IGNORECASE)


def _story(case: CaseDescription) -> str:
    """The case's own text with its headings one level down: in the PDF they sit under the
    heading 'The story', so that the outline (and a screen reader) reads them as its parts.
    Still to be sanitized: the template shows it through ``rich_text``."""
    return _HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{int(tag[2]) + 1}", case.body_html)


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


@dataclass(frozen=True)
class MengpaneelRow:
    """One element of the mengpaneel: where it stood at the first reading and at the latest
    (None where that reading has no position for it)."""

    element: Element
    start: int | None
    now: int | None

    @property
    def change(self) -> int | None:
        if self.start is None or self.now is None:
            return None
        return self.now - self.start

    @property
    def change_text(self) -> str:
        """'+15', '−5' (a real minus sign), '0', or '–' when a position is missing."""
        if self.change is None:
            return "–"
        if self.change < 0:
            return f"\u2212{-self.change}"
        return f"+{self.change}" if self.change else "0"


@dataclass(frozen=True)
class MengpaneelTable:
    """The mengpaneel in one table: each element at the first reading and, when there is a
    later one, at the latest and the change between the two."""

    rows: list[MengpaneelRow]
    first_on: date
    latest_on: date | None  # None: one reading so far, nothing to compare

    @property
    def has_change(self) -> bool:
        return self.latest_on is not None


def mengpaneel_table(pioneer: Pioneer, elements: list[Element]) -> MengpaneelTable | None:
    """The pioneer's active elements at its first and latest reading (two queries, however
    many readings and elements); None before the first reading."""
    readings = list(pioneer.readings.order_by("taken_on", "pk").values_list("pk", "taken_on"))
    if not readings:
        return None
    (first_pk, first_on), (latest_pk, latest_on) = readings[0], readings[-1]
    positions: dict[int, dict[int, int]] = {first_pk: {}, latest_pk: {}}
    for reading_id, element_id, position in ReadingValue.objects.filter(
        reading__in=positions
    ).values_list("reading_id", "element_id", "position"):
        positions[reading_id][element_id] = position
    one_reading = first_pk == latest_pk
    rows = [
        MengpaneelRow(
            element=element,
            start=positions[first_pk].get(element.pk),
            now=None if one_reading else positions[latest_pk].get(element.pk),
        )
        for element in elements
    ]
    return MengpaneelTable(
        rows=rows, first_on=first_on, latest_on=None if one_reading else latest_on
    )


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
    achieved = pioneer.milestones.filter(status=MilestoneStatus.ACHIEVED)
    return {
        "pioneer": pioneer,
        "show_ambition": pioneer.show_ambition_publicly,
        "mengpaneel": mengpaneel_table(pioneer, pioneer_selectors.elements_for(pioneer)),
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
        "story": _story(case),
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


def _file_name(job: PdfJob) -> str:
    """The same for every run of one job (a redelivered job overwrites its file), under a
    folder that cannot be worked out from the case's slug and the job's number: where the media
    folder is served as it is, a draft's PDF cannot be found by trying addresses."""
    folder = salted_hmac("knowledge.case_pdf.file", str(job.pk)).hexdigest()[:32]
    # No slug in the name: it fits the file field's 100 characters whatever the case's title
    # (the download is called after the slug all the same).
    return f"casussen/pdf/{folder}/casus-{job.pk}-v{job.version}.pdf"


def _publish_file(job: PdfJob) -> None:
    CaseDescription.objects.filter(pk=job.case_id).update(pdf=job.file.name)


RUNNER = JobRunner(
    model=PdfJob,
    subject="case",
    task="knowledge.tasks.render_case_pdf",
    # The HTML was rendered when staff asked; the worker only stamps version and date.
    html=lambda job: stamped(job.html or case_html(job.case), job.version, timezone.localdate()),
    file_name=_file_name,
    on_done=_publish_file,
)


@transaction.atomic
def request_pdf(case: CaseDescription, *, by) -> PdfJob:
    """Staff ask for the case's PDF: the existing file when nothing changed, else a new job."""
    CaseDescription.objects.select_for_update().get(pk=case.pk)
    html = case_html(case)  # rendered once: fingerprinted here, stamped and printed by the worker
    content_hash = fingerprint(html)
    existing = RUNNER.reusable(case, content_hash)
    if existing is not None:
        return existing
    latest = (
        PdfJob.objects.filter(case=case)
        .exclude(status=PdfJobStatus.FAILED)
        .aggregate(version=Max("version"))["version"]
    )
    job = PdfJob.objects.create(
        case=case, requested_by=by, input_hash=content_hash, html=html, version=(latest or 0) + 1
    )
    RUNNER.enqueue_on_commit(job)
    return job


def render_job(job_id: int) -> PdfJob | None:
    """Render one job (the Celery task calls this); see ``JobRunner.render``."""
    return RUNNER.render(job_id)


def sweep(now=None) -> int:
    """Hand jobs that no worker has (broker down, worker gone) to a worker again."""
    return RUNNER.sweep(now)


def latest_done(case: CaseDescription) -> PdfJob | None:
    return (
        case.pdf_jobs.filter(status=PdfJobStatus.DONE).order_by("-version", "-created_at").first()
    )


def with_public_pdf(cases: QuerySet[CaseDescription]) -> QuerySet[CaseDescription]:
    """The cases with ``public_pdf``: the file of the version ``latest_done`` would serve
    ("" or None when there is none, and then the PDF link of the case gives a 404). One
    subquery, whatever the number of cases."""
    latest = (
        PdfJob.objects.filter(case=OuterRef("pk"), status=PdfJobStatus.DONE)
        .order_by("-version", "-created_at")
        .values("file")[:1]
    )
    return cases.annotate(public_pdf=Subquery(latest))


def version_for(case: CaseDescription, pk: int, *, staff: bool) -> PdfJob | None:
    """The done version ``pk`` of this case's PDF, if the asker may have it: staff any version,
    everyone else only the one that is the case's current PDF. None otherwise, also for the
    number of another case's job or of no job at all."""
    job = case.pdf_jobs.filter(status=PdfJobStatus.DONE, pk=pk).first()
    if job is None or staff:
        return job
    latest = latest_done(case)
    return job if latest is not None and latest.pk == job.pk else None


@transaction.atomic
def note_download(job: PdfJob, *, by) -> None:
    """A PDF of a case that is not public (a draft, or an older version staff fetch) goes in the
    audit log; the public PDF of a published case does not."""
    audit.record(by, audit.Action.FILE_DOWNLOADED, job, case=job.case_id, version=job.version)


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
    rows: list[tuple[Pioneer, CaseDescription | None, PdfJob | None]] = []
    for pioneer in pioneers:
        pioneer_case = cases.get(pioneer.enterprise_id)
        rows.append((pioneer, pioneer_case, jobs.get(pioneer_case.pk) if pioneer_case else None))
    with_jobs = [job for _, _, job in rows if job]
    return CohortProgress(
        rows=rows,
        done=sum(job.status == PdfJobStatus.DONE for job in with_jobs),
        failed=sum(job.status == PdfJobStatus.FAILED for job in with_jobs),
        total=len(with_jobs),
    )
