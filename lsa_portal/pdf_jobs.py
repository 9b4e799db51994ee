"""PDF jobs: a document that a Celery worker renders, with one life for every kind of document.

Each kind (the case descriptions in ``knowledge.case_pdf``, the municipal brief in
``municipalities.brief``) has a concrete model built on :class:`RenderJob` and a
:class:`JobRunner` that knows how to make the kind's HTML and where its file goes. The runner
does the rest the same way for all of them:

- ``reusable()`` finds a job for the same fingerprint that is running or done, so unchanged
  content reuses its file instead of rendering again;
- ``enqueue()`` hands a job to a worker (called after commit); if the broker cannot be reached
  the job simply stays queued;
- ``render()`` is what the task calls. It is safe to run twice: a done job stays done, and the
  file always has one name, so a redelivered task leaves exactly one file. A briefly missing
  database or disk raises :class:`TransientError` (the task retries with backoff); anything else
  fails the job with a message staff can read;
- ``sweep()`` (celery beat, or a management command from cron) hands jobs that no worker has
  (broker down, worker gone) to a worker again;
- ``failed()`` lists the subjects whose newest job failed, for the staff start page.

Each kind's ``tasks.py`` declares its two Celery tasks with :func:`declare_tasks`, and its views
serve a done job's file with :func:`download`.

The rendering itself is :func:`lsa_portal.pdf.render_document`. This module knows no app.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from celery import Task, shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Window
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import uploads
from .pdf import render_document

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)  # queued or rendering this long: hand it out again
MAX_ATTEMPTS = 3


class PdfJobStatus(models.TextChoices):
    QUEUED = "wachtrij", gettext_lazy("Queued")
    RENDERING = "bezig", gettext_lazy("Rendering")
    DONE = "klaar", gettext_lazy("Done")
    FAILED = "mislukt", gettext_lazy("Failed")


class TransientError(Exception):
    """Worth another try later (the database or the disk was briefly unavailable)."""


class RenderJob(models.Model):
    """What every PDF job records; the concrete model adds its subject and its ``file``."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("requested by"),
    )
    status = models.CharField(
        gettext_lazy("status"),
        max_length=10,
        choices=PdfJobStatus.choices,
        default=PdfJobStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)
    error = models.TextField(gettext_lazy("error"), blank=True)
    input_hash = models.CharField(
        gettext_lazy("fingerprint of the input"), max_length=64, db_index=True
    )
    pages = models.PositiveSmallIntegerField(gettext_lazy("pages"), null=True, blank=True)
    size_bytes = models.PositiveIntegerField(gettext_lazy("size (bytes)"), null=True, blank=True)
    render_ms = models.PositiveIntegerField(gettext_lazy("render time (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("requested at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(gettext_lazy("handed to a worker at"), null=True, blank=True)
    started_at = models.DateTimeField(gettext_lazy("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("finished at"), null=True, blank=True)
    if TYPE_CHECKING:
        # Each kind declares its own FileField (its own folder and storage); the runner uses it.
        file: FieldFile

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="%(class)s_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PdfJobStatus.DONE) | ~Q(file=""),
                name="%(class)s_done_has_file",
            ),
        ]

    @property
    def is_running(self) -> bool:
        return self.status in {PdfJobStatus.QUEUED, PdfJobStatus.RENDERING}

    @property
    def duration_ms(self) -> int | None:
        if self.finished_at and self.created_at:
            return int((self.finished_at - self.created_at).total_seconds() * 1000)
        return None


def _plain(error: Exception) -> str:
    """The first line of an error, short enough to show to staff."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:300]


# The kind's own job model: what the runner hands back is a BriefJob, not a bare RenderJob.
JobT = TypeVar("JobT", bound=RenderJob)


@dataclass(frozen=True)
class JobRunner(Generic[JobT]):
    """The life of one kind of PDF job.

    ``subject`` names the model's foreign key to what the PDF is about; ``task`` is the dotted
    path of the Celery task that calls :meth:`render`; ``html(job)`` gives the HTML to print and
    ``file_name(job)`` the storage name of its file; ``on_done(job)`` runs in the transaction
    that marks the job done.
    """

    model: type[JobT]
    subject: str
    task: str
    html: Callable[[JobT], str]
    file_name: Callable[[JobT], str]
    on_done: Callable[[JobT], None] | None = None

    @property
    def _jobs(self) -> models.Manager[JobT]:
        """The kind's table: its ``objects``, which mypy cannot see on a subclass of the
        abstract ``RenderJob`` (Django's way to reach a model's manager in generic code)."""
        return self.model._default_manager

    def reusable(self, subject, fingerprint: str) -> JobT | None:
        """A running or done job for the same content, whose file can serve again."""
        existing = (
            self._jobs.filter(**{self.subject: subject, "input_hash": fingerprint})
            .exclude(status=PdfJobStatus.FAILED)
            .order_by("-created_at")
            .first()
        )
        if existing is not None and (existing.is_running or existing.file):
            return existing
        return None

    def enqueue(self, job_id: int) -> None:
        """Hand a job to a worker; if the broker cannot be reached, the sweep will do it later."""
        task = import_string(self.task)
        try:
            task.apply_async(args=[job_id], retry=False, queue=settings.PDF_TASK_QUEUE)
        except Exception:  # noqa: BLE001 - any broker failure: the job stays queued for the sweep
            if task.app.conf.task_always_eager:
                # No broker (the embedded default): the job ran here, and what failed was the
                # rendering itself.
                logger.exception(
                    "%s %s failed while rendering in-process; the sweep will retry",
                    self.label,
                    job_id,
                )
            else:
                logger.warning(
                    "%s %s not handed to a worker; the sweep will retry", self.label, job_id
                )
            return
        self._jobs.filter(pk=job_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())

    def enqueue_on_commit(self, job: JobT) -> None:
        transaction.on_commit(lambda: self.enqueue(job.pk))

    @property
    def label(self) -> str:
        return self.model.__name__  # what its _meta.object_name is

    def render(self, job_id: int) -> JobT | None:
        """Render one job (the Celery task calls this). Idempotent: a done job is left alone."""
        with transaction.atomic():
            job = (
                self._jobs.select_for_update()
                .select_related(self.subject)
                .filter(pk=job_id)
                .first()
            )
            if job is None or job.status == PdfJobStatus.DONE:
                return job  # gone with its subject, or already done (a redelivered task)
            job.status = PdfJobStatus.RENDERING
            job.attempts += 1
            job.started_at = timezone.now()
            job.error = ""
            job.save(update_fields=["status", "attempts", "started_at", "error"])
        started = time.perf_counter()
        try:
            rendered = render_document(self.html(job))
            if rendered.pages > settings.PDF_MAX_PAGES:
                raise ValueError(
                    _("the PDF would have %(pages)s pages, at most %(limit)s are allowed")
                    % {"pages": rendered.pages, "limit": settings.PDF_MAX_PAGES}
                )
            storage = self._file_field().storage
            name = self.file_name(job)
            if storage.exists(name):
                storage.delete(name)  # a redelivered job overwrites, so there is one file
            saved = storage.save(name, ContentFile(rendered.content))
        except (OperationalError, OSError) as error:
            self._fail(
                job,
                _("The PDF could not be saved, the system will try again: %(error)s")
                % {"error": error},
            )
            raise TransientError(str(error)) from error
        except Exception as error:  # noqa: BLE001 - shown to staff in plain words, never a 500
            logger.exception("%s %s failed", self.label, job_id)
            self._fail(
                job,
                _("The PDF could not be made: %(error)s") % {"error": _plain(error)},
                final=True,
            )
            return self._jobs.get(pk=job_id)
        with transaction.atomic():
            job = self._jobs.select_for_update().select_related(self.subject).get(pk=job_id)
            job.file.name = saved
            job.status = PdfJobStatus.DONE
            job.pages = rendered.pages
            job.size_bytes = len(rendered.content)
            job.render_ms = int((time.perf_counter() - started) * 1000)
            job.finished_at = timezone.now()
            job.save()
            if self.on_done is not None:
                self.on_done(job)
        return job

    def _file_field(self) -> models.FileField:
        field = self.model._meta.get_field("file")
        if not isinstance(field, models.FileField):
            raise TypeError(f"{self.label}.file is a {type(field).__name__}, not a FileField")
        return field

    def _fail(self, job: JobT, message: str, *, final: bool = False) -> None:
        failed = final or job.attempts >= MAX_ATTEMPTS
        self._jobs.filter(pk=job.pk).update(
            status=PdfJobStatus.FAILED if failed else PdfJobStatus.QUEUED,
            error=message,
            finished_at=timezone.now() if failed else None,
        )

    def give_up(self, job_id: int, error: str) -> None:
        """After the last retry: the job failed, in words staff can act on."""
        self._jobs.filter(pk=job_id).exclude(status=PdfJobStatus.DONE).update(
            status=PdfJobStatus.FAILED,
            error=_("The PDF could not be made after several tries: %(error)s")
            % {"error": error[:300]},
            finished_at=timezone.now(),
        )

    def sweep(self, now=None) -> int:
        """Hand jobs that no worker has (broker down, worker gone) to a worker again."""
        limit = (now or timezone.now()) - STUCK_AFTER
        ids = list(
            self._jobs.filter(
                Q(status=PdfJobStatus.QUEUED, enqueued_at__isnull=True)
                | Q(status=PdfJobStatus.QUEUED, enqueued_at__lt=limit)
                | Q(status=PdfJobStatus.RENDERING, started_at__lt=limit)
            ).values_list("pk", flat=True)
        )
        for job_id in ids:
            self._jobs.filter(pk=job_id).update(enqueued_at=None)
            self.enqueue(job_id)
        return len(ids)

    def failed(self, limit: int, where: Q | Combinable | None = None) -> tuple[int, list[JobT]]:
        """What staff should look at: the subjects whose newest job failed (a later job, done
        or still running, means someone tried again), of the jobs ``where`` allows. How many
        there are, and the newest ``limit`` of those jobs with their subjects, in one query."""
        newer = self._jobs.filter(
            Q(created_at__gt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
            **{self.subject: OuterRef(self.subject)},
        )
        found = list(
            self._jobs.filter(where or Q(), status=PdfJobStatus.FAILED)
            .filter(~Exists(newer))
            .select_related(self.subject)
            .annotate(total=Window(Count("pk")))
            .order_by("-created_at", "-pk")[:limit]
        )
        return (found[0].total if found else 0), found

    def run_task(self, task, job_id: int) -> str:
        """The body of a bound Celery task: render, and give up after the last retry."""
        try:
            job = self.render(job_id)
        except TransientError as error:
            if task.request.retries >= task.max_retries:
                self.give_up(job_id, str(error))
                return PdfJobStatus.FAILED
            raise
        return job.status if job else "gone"


class PdfTasks(NamedTuple):
    render: Task
    sweep: Task


def declare_tasks(
    runner: JobRunner[Any], *, render: str, sweep: str, time_limit: int, soft_time_limit: int
) -> PdfTasks:
    """The two Celery tasks of one kind of PDF job, with the options every kind shares.

    ``render`` and ``sweep`` are the tasks' names: queued messages and CELERY_BEAT_SCHEDULE
    refer to them, so they stay as they are. The kind's ``tasks.py`` binds the render task to
    the name its runner's ``task`` path gives. A render that meets a :class:`TransientError`
    is retried with backoff, at most ``MAX_ATTEMPTS`` times, and then fails in plain words."""

    @shared_task(
        bind=True,
        name=render,
        acks_late=True,  # a worker that dies mid-render leaves the message for another worker
        reject_on_worker_lost=True,
        autoretry_for=(TransientError,),
        retry_backoff=5,
        retry_backoff_max=300,
        max_retries=MAX_ATTEMPTS,
        time_limit=time_limit,
        soft_time_limit=soft_time_limit,
    )
    def render_task(self: Task, job_id: int) -> str:
        """Render one job (thin: the runner does the work)."""
        return runner.run_task(self, job_id)

    @shared_task(name=sweep)
    def sweep_task() -> int:
        """Every few minutes (see CELERY_BEAT_SCHEDULE): re-enqueue the jobs no worker has."""
        return runner.sweep()

    return PdfTasks(render=render_task, sweep=sweep_task)


def download(job: RenderJob | None, *, filename: str) -> FileResponse:
    """A done job's PDF as a download; a 404 for no job, a job still running or failed, or a
    file that is gone from the disk."""
    if job is None or job.status != PdfJobStatus.DONE:
        raise Http404
    return uploads.pdf_attachment(job.file, filename=filename)
