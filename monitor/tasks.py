"""Thin tasks: the services do the work."""

from celery import shared_task

from lsa_portal.pdf_jobs import declare_tasks

from . import report, services

# report.RUNNER hands jobs to ``monitor.tasks.render_report``.
render_report, sweep_reports = declare_tasks(
    report.RUNNER,
    render="monitor.render_report",
    sweep="monitor.sweep_reports",
    time_limit=300,
    soft_time_limit=240,
)


@shared_task(name="monitor.send_round_reminders")
def send_round_reminders() -> dict[str, int]:
    """Daily (see CELERY_BEAT_SCHEDULE): late invitations and the reminders that are due."""
    run = services.send_reminders()
    return {"invited": run.invited, "reminded": run.reminded}
