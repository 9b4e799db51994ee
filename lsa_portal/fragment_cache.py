"""Rendered page fragments that are the same for every visitor, cached until their data changes.

A fragment lives under a namespace with a version number; whatever changes the data behind it
calls ``bump(namespace)`` (from a signal or a service), which makes every cached fragment of that
namespace stale at once. The timeout is only a safety net. Knows no app.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils.translation import get_language

TIMEOUT_SECONDS = 600


def _version_key(namespace: str) -> str:
    return f"fragments:{namespace}:version"


def version(namespace: str) -> int:
    return cache.get_or_set(_version_key(namespace), 1, timeout=None)


def bump(namespace: str) -> None:
    """Make every cached fragment of ``namespace`` stale."""
    try:
        cache.incr(_version_key(namespace))
    except ValueError:  # not in the cache (yet, or any more): start a new series
        cache.set(_version_key(namespace), 2, timeout=None)


def cached(namespace: str, identity: str, render: Callable[[], str]) -> str:
    """The fragment for ``identity`` (e.g. a canonical query string) in the active language:
    from the cache, or rendered by ``render()`` and kept."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"fragments:{namespace}:{version(namespace)}:{get_language()}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, TIMEOUT_SECONDS)
    return html
