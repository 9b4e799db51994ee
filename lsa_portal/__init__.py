"""The portal's project package: settings, URLs, the Celery app and helpers that know no app."""

from .celery import app as celery_app

__all__ = ("celery_app",)
