"""Periodic work of the knowledge base (thin: the services do the work)."""

from celery import shared_task

from . import services


@shared_task(name="knowledge.delete_expired_requests")
def delete_expired_requests() -> int:
    """Daily (see CELERY_BEAT_SCHEDULE): delete report requests past the retention period."""
    return services.delete_expired_requests()
