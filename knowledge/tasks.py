"""Tasks of the knowledge base: the case-description PDFs (thin: the runner does the work)."""

from celery import shared_task

from lsa_portal.pdf_jobs import MAX_ATTEMPTS, TransientError

from . import case_pdf


@shared_task(
    bind=True,
    name="knowledge.render_case_pdf",
    acks_late=True,  # a worker that dies mid-render leaves the message for another worker
    reject_on_worker_lost=True,
    autoretry_for=(TransientError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=MAX_ATTEMPTS,
    time_limit=180,
    soft_time_limit=150,
)
def render_case_pdf(self, job_id: int) -> str:
    """Render one case-description PDF (thin: the runner does the work)."""
    return case_pdf.RUNNER.run_task(self, job_id)


@shared_task(name="knowledge.sweep_pdf_jobs")
def sweep_pdf_jobs() -> int:
    """Every few minutes (see CELERY_BEAT_SCHEDULE): re-enqueue PDF jobs no worker has."""
    return case_pdf.sweep()
