"""Real services: PostgreSQL, Redis and Celery workers in their own processes."""

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
def worker_media_root(tmp_path_factory) -> Path:
    """The media folder shared by the tests and the worker processes they start."""
    return tmp_path_factory.mktemp("worker-media")


class Worker:
    """A real ``celery worker`` process on one queue, using the test database and media folder."""

    def __init__(self, broker_url: str, queue: str, media_root: Path, log_dir: Path, **env):
        from django.conf import settings

        self.queue = queue
        self.node = f"{queue}-{uuid.uuid4().hex[:6]}@localhost"
        self.env = {
            **os.environ,
            "CELERY_BROKER_URL": broker_url,
            "MEDIA_ROOT": str(media_root),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("postgresql"):
            # The worker must see what the tests write: pytest-django's test database.
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            user = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
            self.env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{db['NAME']}"
        self.log_path = log_dir / f"{self.node.split('@')[0]}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Worker:
        from lsa_portal.celery import app

        self.log = self.log_path.open("w")
        command = [
            sys.executable, "-m", "celery", "-A", "lsa_portal", "worker", "--pool=solo",
            "-n", self.node, "-Q", self.queue, "--without-gossip", "--without-mingle",
            "--loglevel=INFO",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker exited:\n{self.log_path.read_text()}")
            replies = app.control.ping(destination=[self.node], timeout=1.0)
            if any(self.node in reply for reply in replies):
                return self
        pytest.fail(f"the Celery worker did not answer within {timeout:.0f} s")

    def kill(self) -> None:
        """SIGKILL: the worker dies without a chance to acknowledge or clean up."""
        self.process.kill()
        self.process.wait(timeout=20)
        self.log.close()

    def stop(self) -> None:
        if self.process is None or self.log.closed:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def celery_worker_queue(broker_url, django_db_setup, tmp_path_factory, worker_media_root):
    """A real worker process on its own queue; stopped at the end of the session."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = Worker(broker_url, queue, worker_media_root, tmp_path_factory.mktemp("logs"))
    worker.start()
    yield worker.queue
    worker.stop()


@pytest.fixture
def pdf_queue(settings, worker_media_root):
    """Send the PDF jobs of one test to a given queue, sharing the worker's media folder."""
    settings.MEDIA_ROOT = worker_media_root

    def route(queue: str) -> None:
        settings.PDF_TASK_QUEUE = queue

    return route
