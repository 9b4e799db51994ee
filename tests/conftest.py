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


@pytest.fixture(scope="module", autouse=True)
def _serialized_rollback_onto_an_empty_database(request):
    """A module marked ``django_db(serialized_rollback=True)`` starts from an empty database.

    Django restores the test database's snapshot (the rows the migrations made) at the start of
    such a test by saving every row with its primary key, and assumes the tables are empty or
    hold those very rows. After a plain transactional test (the browser tests, the worker's)
    they hold neither: its flush sends ``post_migrate`` again, which makes the content types,
    permissions and role groups anew under new keys (PostgreSQL does not reset its sequences on
    a flush), and the restore then collides with them (a second ``LSA-medewerker``). Emptying
    the tables first, without ``post_migrate``, gives the restore what it expects. Module-scoped
    so that it runs before pytest-django's per-test set-up, which does the restoring; so the
    marker is read from the module (``pytestmark``), where every such test module sets it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        yield
        return
    from django.core.management import call_command

    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        call_command(
            "flush",
            interactive=False,
            reset_sequences=False,
            inhibit_post_migrate=True,
            verbosity=0,
        )
    yield
