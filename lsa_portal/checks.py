"""System checks of the portal's own configuration."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def shared_cache_in_production(app_configs, **kwargs):
    """Cached pages are invalidated through the cache itself: every process must share it."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PRODUCTION and backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache is local to each process (no REDIS_URL).",
                hint="Set REDIS_URL: with several web processes, cached directory and search "
                "pages would otherwise stay stale in the processes that did not see a change.",
                id="lsa_portal.W001",
            )
        ]
    return []
