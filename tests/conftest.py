"""Shared fixtures. Tests that need a real service use ``require_service``: they skip on a
developer's machine without it, and fail loudly under CI=true, where every service must run."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    """Skip outside CI when ``what`` is missing; under CI=true a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} not available (set it up, or run under CI=true to make this fail)")


@pytest.fixture(autouse=True)
def _isolated_side_effects(settings, tmp_path, request):
    """Each test gets its own media folder, an empty cache and in-memory mail; Celery tasks
    run in-process unless the test is about the real worker."""
    from django.core.cache import cache

    from lsa_portal.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    eager = app.conf.task_always_eager
    if "real_broker" not in request.keywords:
        app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def password() -> str:
    return "Een-lang-wachtwoord-42"
