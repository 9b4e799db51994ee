"""Connects ``BriefJob`` (caches.FEEDS_BRIEFS) to ``caches.briefs_changed`` when a job is made
or deleted. Its state changes are not followed: the page reads the latest job's state on every
request (a worker changes it with update()).

Why receivers at all, beside ``brief.request_brief``'s own call: a job deleted by the cascade of
its municipality, by a clean-up or in the admin, or made in the shell or by the cache tests,
must reach the pages too."""

from lsa_portal import fragment_cache

from . import caches


def _brief_changed(sender, created=True, **kwargs) -> None:
    if created:  # made (post_save of a new job) or deleted (post_delete)
        caches.briefs_changed()


def connect() -> None:
    fragment_cache.follow_models(caches.FEEDS_BRIEFS, _brief_changed, uid="municipalities.briefs")
