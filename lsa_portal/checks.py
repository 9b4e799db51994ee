"""System checks of the portal's own configuration."""

from django.conf import settings
from django.core.checks import Error, Warning, register


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


@register()
def trusted_proxies_are_addresses(app_configs, **kwargs):
    """A mistyped proxy address is found when the portal starts, not on every request."""
    from django.core.exceptions import ImproperlyConfigured

    from .client_ip import parse_network

    errors = []
    if settings.TRUSTED_PROXY_COUNT < 0:
        errors.append(Error("TRUSTED_PROXY_COUNT cannot be negative.", id="lsa_portal.E001"))
    for value in settings.TRUSTED_PROXIES:
        try:
            parse_network(value)
        except ImproperlyConfigured as error:
            errors.append(Error(str(error), id="lsa_portal.E002"))
    return errors


@register
def audit_retention_is_positive(app_configs, **kwargs):
    """A retention of zero days or less would empty the audit log every night."""
    if settings.AUDIT_RETENTION_DAYS < 1:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {settings.AUDIT_RETENTION_DAYS}.",
                hint="Set it to the number of days audit entries are kept (default 730).",
                id="lsa_portal.E003",
            )
        ]
    return []
