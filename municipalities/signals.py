"""Connects ``BriefJob`` (caches.FEEDS_BRIEFS) to ``caches.briefs_changed`` when a job is made
or deleted. Its state changes are not followed: the page reads the latest job's state on every
request (a worker changes it with update()).

Why receivers at all, beside ``brief.request_brief``'s own call: a job deleted by the cascade of
its municipality, by a clean-up or in the admin, or made in the shell or by the cache tests,
must reach the pages too."""

from django.db.models.signals import post_delete, post_save

from . import caches


def _brief_made(sender, created=False, **kwargs) -> None:
    if created:
        caches.briefs_changed()


def _brief_deleted(sender, **kwargs) -> None:
    caches.briefs_changed()


def connect() -> None:
    for model in caches.FEEDS_BRIEFS:
        uid = f"municipalities.briefs.{model.__name__}"
        post_save.connect(_brief_made, sender=model, dispatch_uid=uid)
        post_delete.connect(_brief_deleted, sender=model, dispatch_uid=f"{uid}-del")
