"""Periodic work of the knowledge base (thin: the services do the work)."""

from celery import shared_task

from . import case_pdf


@shared_task(
    bind=True,
    name="knowledge.render_case_pdf",
    acks_late=True,  # a worker that dies mid-render leaves the message for another worker
    reject_on_worker_lost=True,
    autoretry_for=(case_pdf.TransientError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=case_pdf.MAX_ATTEMPTS,
    time_limit=180,
    soft_time_limit=150,
)
def render_case_pdf(self, job_id: int) -> str:
    """Render one case-description PDF (thin: the service does the work)."""
    try:
        job = case_pdf.render_job(job_id)
        return job.status if job else "gone"
    except case_pdf.TransientError as error:
        if self.request.retries >= self.max_retries:
            case_pdf.give_up(job_id, str(error))
            return "mislukt"
        raise


@shared_task(name="knowledge.sweep_pdf_jobs")
def sweep_pdf_jobs() -> int:
    """Every few minutes (see CELERY_BEAT_SCHEDULE): re-enqueue PDF jobs no worker has."""
    return case_pdf.sweep()
