"""Connects the models in ``caches.FEEDS_DIRECTORY`` (and the enterprises' themes) to
``caches.directory_changed``, each by name.

Why a receiver at all, beside the services' own calls: the pages must also follow a row saved
through the ORM outside a service (the admin's inlines, a data fix in the shell, a migration,
the factories of the cache tests). Receivers are connected per model, never for every model, so
the list of what feeds the cache is the one in caches.py."""

from django.db.models.signals import m2m_changed
from django.dispatch import Signal

from lsa_portal import fragment_cache

from . import caches
from .models import Enterprise

# Sent by a bulk write (the import) that saved enterprises, their themes and figures without
# post_save, after it called caches.directory_changed() itself: the apps above listen (their
# cached pages show enterprises) since this app may not import them.
enterprises_changed_in_bulk = Signal()


def _row_changed(sender, **kwargs) -> None:
    caches.directory_changed()


def _themes_changed(sender, action="", **kwargs) -> None:
    if action.startswith("post_"):
        caches.directory_changed()


def connect() -> None:
    fragment_cache.follow_models(caches.FEEDS_DIRECTORY, _row_changed, uid="enterprises.directory")
    m2m_changed.connect(
        _themes_changed, sender=Enterprise.themes.through, dispatch_uid="enterprises.themes"
    )
