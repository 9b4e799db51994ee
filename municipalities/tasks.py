"""Thin tasks: the services in brief.py do the work."""

from celery import shared_task

from lsa_portal.pdf_jobs import MAX_ATTEMPTS, TransientError

from . import brief


@shared_task(
    bind=True,
    name="municipalities.render_brief",
    acks_late=True,  # a worker that dies mid-render leaves the message for another worker
    reject_on_worker_lost=True,
    autoretry_for=(TransientError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=MAX_ATTEMPTS,
    time_limit=180,
    soft_time_limit=150,
)
def render_brief(self, job_id: int) -> str:
    """Render one brief (thin: the runner does the work)."""
    return brief.RUNNER.run_task(self, job_id)


@shared_task(name="municipalities.sweep_briefs")
def sweep_briefs() -> int:
    return brief.sweep()


@shared_task(name="municipalities.send_digests")
def send_digests() -> int:
    """Monthly (see CELERY_BEAT_SCHEDULE): last month's changes to the followers."""
    from . import digest

    return digest.send_digests()
