"""Pages that belong to the portal as a whole rather than to one app."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import privacy
from .cookies import functional_cookies


@require_safe
def home(request):
    """The front door: what the portal offers to each of its audiences."""
    return render(request, "home.html")


@require_safe
def privacy_statement(request):
    """What personal data the portal keeps, why, for how long, and the rights people have."""
    return render(
        request,
        "privacy_statement.html",
        {
            "retention_rules": privacy.retention_rules(),
            "privacy_contact": settings.PRIVACY_CONTACT_EMAIL,
            "backup_retention_days": settings.BACKUP_RETENTION_DAYS,
            "error_reporting": bool(settings.SENTRY_DSN),
            "audit_retention_days": settings.AUDIT_RETENTION_DAYS,
        },
    )


@require_safe
def cookies(request):
    """Every cookie the portal sets: only functional ones, so no consent banner."""
    return render(request, "cookies.html", {"cookies": functional_cookies()})
