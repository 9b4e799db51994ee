"""The API's rate limit per client, counted in the shared cache in fixed windows.

The client is the address ``lsa_portal.client_ip`` reads behind the trusted proxies; the key
is a keyed hash of it, so no address is stored. When the cache is out of reach the limit lets
every request through (``lsa_portal.cache`` answers ``add`` as stored): open data stays open.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

from lsa_portal.client_ip import client_ip

logger = logging.getLogger(__name__)


def over_limit(request, now: float | None = None) -> int | None:
    """Count one request of this client in the current window; when that makes it one too
    many, the seconds until the window ends (for ``Retry-After``), else None."""
    limit, period = settings.API_RATE_LIMIT
    now = time.time() if now is None else now
    window = int(now // period)
    address = client_ip(request) or "unknown"
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
    key = f"api:rate:{window}:{digest[:32]}"
    try:
        count = 1 if cache.add(key, 1, timeout=period + 1) else cache.incr(key)
    except ValueError:  # expired between add() and incr(), or the cache is out of reach
        count = 1
    except Exception:  # any other cache failure: serve rather than refuse
        logger.warning("API rate limit not counted: the cache failed", exc_info=True)
        return None
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))
