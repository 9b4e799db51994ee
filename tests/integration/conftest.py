"""Real services: PostgreSQL, Redis and a Celery worker in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    require_service(
        url.startswith("redis://") and _redis_answers(url), "Redis as CELERY_BROKER_URL"
    )
    return url


@pytest.fixture(scope="session")
def celery_worker_queue(broker_url, django_db_setup, tmp_path_factory):
    """A real worker process on its own queue, using the test database; stopped afterwards."""
    from django.conf import settings

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CELERY_BROKER_URL": broker_url, "PYTHONUNBUFFERED": "1"}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        # The worker must see what the tests write: point it at pytest-django's test database.
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    log = log_path.open("w")
    node = f"{queue}@localhost"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "lsa_portal",
            "worker",
            "--pool=solo",
            "-n",
            node,
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        from lsa_portal.celery import app

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the Celery worker exited:\n{log_path.read_text()}")
            if any(node in reply for reply in app.control.ping(destination=[node], timeout=1.0)):
                break
        else:
            pytest.fail("the Celery worker did not answer within 60 s")
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
