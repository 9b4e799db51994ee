"""Connects the models in ``caches.FEEDS_PROGRAMME`` to ``caches.programme_changed``, each by
name, and listens to the enterprises' bulk import.

Why receivers at all, beside the services' own calls: the pages must also follow rows saved
through the ORM outside this app's services (the enterprises' services, which may not import
this app; the admin's inlines; a data fix in the shell; the factories of the cache tests).
Receivers are connected per model, never for every model, so the list of what feeds the cache
is the one in caches.py."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed

from enterprises.signals import enterprises_changed_in_bulk
from lsa_portal import fragment_cache

from . import caches
from .models import Expert


def _row_changed(sender, update_fields=None, **kwargs) -> None:
    if sender is get_user_model() and _only_last_login(update_fields):
        return  # readings and log entries show who made them; a log-in alone changes nothing
    caches.programme_changed()


def _only_last_login(update_fields) -> bool:
    return update_fields is not None and set(update_fields) <= {"last_login"}


def _relation_changed(sender, action="", **kwargs) -> None:
    if action.startswith("post_"):
        caches.programme_changed()


def _changed_in_bulk(sender, **kwargs) -> None:
    caches.programme_changed()


def connect() -> None:
    fragment_cache.follow_models(caches.FEEDS_PROGRAMME, _row_changed, uid="pioneers.programme")
    m2m_changed.connect(
        _relation_changed, sender=Expert.areas.through, dispatch_uid="pioneers.expert-areas"
    )
    enterprises_changed_in_bulk.connect(_changed_in_bulk, dispatch_uid="pioneers.import")
