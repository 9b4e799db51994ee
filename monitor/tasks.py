"""Thin tasks: the services do the work."""

from celery import shared_task

from . import services


@shared_task(name="monitor.send_round_reminders")
def send_round_reminders() -> dict[str, int]:
    """Daily (see CELERY_BEAT_SCHEDULE): late invitations and the reminders that are due."""
    run = services.send_reminders()
    return {"invited": run.invited, "reminded": run.reminded}
