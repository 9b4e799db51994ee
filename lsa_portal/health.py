"""``/health/``: is every configured backing service answering, and can the site serve?

Without the database nothing can be served: 503. Without the cache or the broker the site
still serves every page (uncached; PDF jobs wait for the sweep), so the answer is 200 with
``"status": "degraded"`` and the failing check named: a load balancer keeps sending visitors,
and an operator's monitor alerts on any status other than "ok"."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    ok = cache.get(key) == "1"
    cache.delete(key)
    if not ok:
        raise RuntimeError("cache did not return the value written")
    return "ok"


def _check_broker() -> str:
    from lsa_portal.celery import app

    if app.conf.task_always_eager:
        return "eager"  # no broker configured: tasks run in-process
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0)  # one attempt: the probe must answer quickly
    return "ok"


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
# Without these the site cannot serve at all; without the others it serves degraded.
ESSENTIAL = {"database"}


def run_checks() -> dict[str, str]:
    """Run every check; a failing one reports 'error' instead of raising."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            results[name] = "error"
    return results


@never_cache
@require_safe
def health(request):
    results = run_checks()
    failing = {name for name, state in results.items() if state == "error"}
    status = "error" if failing & ESSENTIAL else "degraded" if failing else "ok"
    body = {"status": status, "checks": results, "environment": settings.DJANGO_ENV}
    return JsonResponse(body, status=503 if status == "error" else 200)
