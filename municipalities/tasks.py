"""Thin tasks: the services in brief.py do the work."""

from celery import shared_task

from lsa_portal.pdf_jobs import declare_tasks

from . import brief

# brief.RUNNER hands jobs to ``municipalities.tasks.render_brief``.
render_brief, sweep_briefs = declare_tasks(
    brief.RUNNER,
    render="municipalities.render_brief",
    sweep="municipalities.sweep_briefs",
    time_limit=180,
    soft_time_limit=150,
)


@shared_task(name="municipalities.send_digests")
def send_digests() -> int:
    """Monthly (see CELERY_BEAT_SCHEDULE): last month's changes to the followers."""
    from . import digest

    return digest.send_digests()
