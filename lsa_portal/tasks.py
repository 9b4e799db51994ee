"""The portal's own periodic work (thin: lsa_portal/privacy.py does it)."""

from celery import shared_task

from . import privacy


@shared_task(name="lsa_portal.apply_retention")
def apply_retention() -> dict[str, int]:
    """Daily (see CELERY_BEAT_SCHEDULE): every app's retention rules; returns what went."""
    return privacy.apply_retention()
