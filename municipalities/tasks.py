"""Thin tasks: the services in brief.py do the work."""

from celery import shared_task

from . import brief


@shared_task(
    name="municipalities.render_brief",
    acks_late=True,  # a worker that dies mid-render leaves the message for another worker
    reject_on_worker_lost=True,
    time_limit=180,
    soft_time_limit=150,
)
def render_brief(job_id: int) -> str:
    job = brief.render_job(job_id)
    return job.status if job else "gone"


@shared_task(name="municipalities.sweep_briefs")
def sweep_briefs() -> int:
    return brief.sweep()


@shared_task(name="municipalities.send_digests")
def send_digests() -> int:
    """Monthly (see CELERY_BEAT_SCHEDULE): last month's changes to the followers."""
    from . import digest

    return digest.send_digests()
