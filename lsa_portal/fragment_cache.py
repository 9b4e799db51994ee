"""Rendered page fragments that are the same for every visitor, cached until their data changes.

A fragment lives under one or more namespaces, each with a version number; whatever changes the
data behind it calls ``bump(namespace)``, which makes every cached fragment of that namespace
stale at once. The timeout is only a safety net. Knows no app.

How a cache learns of a change: each app that owns a namespace has a ``caches.py`` with one
named function per namespace (``enterprises.caches.directory_changed``,
``pioneers.caches.programme_changed``, ``knowledge.caches.search_changed`` and
``content_changed``, ``municipalities.caches.briefs_changed``; the monitor bumps its own in
``monitor/services.py``) and a ``FEEDS_...`` tuple of the models behind it. The function is
called
- by every service in ``<app>/services.py`` that writes those models (also after bulk writes
  and ``update()``, which send no signal: the import, the demo loaders, the privacy erase);
- by the app's admin, through ``lsa_portal.admin.ChangesCachesAdmin`` (save, inlines and
  relations, deletes); admin actions call services;
- by the receivers that ``<app>/signals.py`` connects for exactly the models of its tuple (never
  for every model), for ORM writes no service of the app sees: another app's services below it
  (the enterprises' for the programme), cascades, the shell, tests' factories.
A page names the namespaces it reads where its fragment is defined (e.g.
``municipalities.selectors.PAGE_FRAGMENTS``). tests/portal/test_cache_receivers.py checks that
no portal receiver listens to every model.

A cached fragment is stored together with the versions it was rendered under, so that a page
reads the versions and the fragment in one round trip to the cache.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

TIMEOUT_SECONDS = 600


def _version_key(namespace: str) -> str:
    return f"fragments:{namespace}:version"


def _new_series() -> int:
    # A version never handed out before: if the cache loses a version number (a restart, an
    # eviction), the new series cannot meet fragments that were stale under the old one.
    return time.time_ns()


def version(namespace: str) -> int:
    """The current version of ``namespace`` (starting a series if there is none)."""
    key = _version_key(namespace)
    current = cache.get(key)
    if current is None:
        cache.add(key, _new_series(), timeout=None)
        current = cache.get(key)
    return current


def _increment(namespace: str) -> None:
    try:
        cache.incr(_version_key(namespace))
    except ValueError:  # not in the cache (any more): start a new series
        cache.set(_version_key(namespace), _new_series(), timeout=None)


def bump(namespace: str) -> None:
    """Make every cached fragment of ``namespace`` stale: now, and again when the transaction
    that changed the data commits (a page rendered in between still read the old data)."""
    _increment(namespace)
    transaction.on_commit(lambda: _increment(namespace))


def follow_models(
    models: Iterable[type[Model]], receiver: Callable[..., None], *, uid: str
) -> None:
    """Connect ``receiver`` to the post_save and post_delete of each of ``models``, by name
    (an app's ``signals.connect()``, for ORM writes outside its services; never every model)."""
    for model in models:
        key = f"{uid}.{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=key)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{key}-del")


def cached(
    namespaces: str | Iterable[str],
    identity: str,
    render: Callable[[], Any],
    *,
    lifetime: Callable[[], float] | None = None,
) -> Any:
    """The fragment for ``identity`` (e.g. a canonical query string) in the active language:
    from the cache while none of ``namespaces`` changed, or made by ``render()`` and kept.

    A fragment is usually a string of HTML, but anything the cache can pickle will do.
    ``lifetime``, if given, is asked after a fresh render how many seconds the fragment may be
    kept at most (e.g. until a scheduled publication becomes public)."""
    names = (namespaces,) if isinstance(namespaces, str) else tuple(namespaces)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"fragments:{'+'.join(names)}:{get_language()}:{digest}"
    version_keys = [_version_key(name) for name in names]
    found = cache.get_many([*version_keys, key])  # one round trip on a hit
    versions = tuple(found.get(version_key) for version_key in version_keys)
    if None in versions:
        versions = tuple(version(name) for name in names)
    stored = found.get(key)
    if stored is not None:
        stored_versions, until, fragment = stored
        if stored_versions == versions and (until is None or time.time() < until):
            return fragment
    fragment = render()
    timeout, until = TIMEOUT_SECONDS, None
    if lifetime is not None:
        seconds = lifetime()
        if seconds < TIMEOUT_SECONDS:
            # Checked on reading as well: the cache's own expiry counts whole seconds.
            timeout, until = max(1, int(seconds)), time.time() + seconds
    cache.set(key, (versions, until, fragment), timeout)
    return fragment
