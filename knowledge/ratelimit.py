"""A small per-IP rate limit for the public forms, kept in the cache.

The address is the visitor's as ``lsa_portal.client_ip`` reads it behind the trusted proxies.

The cache key is a keyed hash of the address: no IP address is stored anywhere, not even in
the cache, and the count disappears by itself after the period.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from lsa_portal.client_ip import client_ip


def _client_key(request, scope: str) -> str:
    address = client_ip(request) or "unknown"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{address}".encode(), hashlib.sha256
    ).hexdigest()
    return f"knowledge:rate:{scope}:{digest[:32]}"


def is_limited(request, scope: str) -> bool:
    """Count one attempt of ``scope`` from this client; True once it exceeds the limit."""
    limit, period = settings.KNOWLEDGE_FORM_RATE_LIMIT
    key = _client_key(request, scope)
    if cache.add(key, 1, timeout=period):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=period)
        count = 1
    return count > limit
