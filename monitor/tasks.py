"""Thin tasks: the services do the work."""

from celery import shared_task

from lsa_portal.pdf_jobs import MAX_ATTEMPTS, TransientError

from . import report, services


@shared_task(
    bind=True,
    name="monitor.render_report",
    acks_late=True,  # a worker that dies mid-render leaves the message for another worker
    reject_on_worker_lost=True,
    autoretry_for=(TransientError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=MAX_ATTEMPTS,
    time_limit=300,
    soft_time_limit=240,
)
def render_report(self, job_id: int) -> str:
    """Render one monitor report (thin: the runner does the work)."""
    return report.RUNNER.run_task(self, job_id)


@shared_task(name="monitor.sweep_reports")
def sweep_reports() -> int:
    """Every few minutes (see CELERY_BEAT_SCHEDULE): re-enqueue report jobs no worker has."""
    return report.sweep()


@shared_task(name="monitor.send_round_reminders")
def send_round_reminders() -> dict[str, int]:
    """Daily (see CELERY_BEAT_SCHEDULE): late invitations and the reminders that are due."""
    run = services.send_reminders()
    return {"invited": run.invited, "reminded": run.reminded}
