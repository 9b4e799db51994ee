"""Real services: PostgreSQL, Redis and Celery workers in their own processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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
        assert self.process is not None, "the worker was never started"
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


# The fault tests start redis-servers of their own on the first free port of this range.
OWN_REDIS_PORTS = range(18300, 18400)


def _free_port() -> int:
    for port in OWN_REDIS_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port between {OWN_REDIS_PORTS.start} and {OWN_REDIS_PORTS.stop - 1}")


class RedisServer:
    """A redis-server of one test, keeping nothing on disk, that the test stops, starts again on
    the same port, or pauses (SIGSTOP: it keeps its data and its connections, and answers
    nothing, as a hung or unreachable server)."""

    def __init__(self, binary: str, port: int, log_path: Path):
        self.binary, self.port, self.log_path = binary, port, log_path
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0):
        import redis

        return redis.Redis.from_url(self.url(db), socket_connect_timeout=1, socket_timeout=2)

    def start(self, timeout: float = 10) -> RedisServer:
        import redis

        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no",
        ]  # fmt: skip
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited:\n{self.log_path.read_text()}")
            try:
                if self.client().ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGCONT)  # a paused server cannot handle SIGTERM
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def pause(self) -> None:
        assert self.process is not None, "redis-server was never started"
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None, "redis-server was never started"
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis of the test's own, stopped at the end whatever the test did to it."""
    binary = shutil.which("redis-server")
    require_service(binary is not None, "redis-server (Debian's redis-server package)")
    assert binary is not None  # require_service has skipped (or failed) the test otherwise
    server = RedisServer(binary, _free_port(), tmp_path / "redis.log").start()
    yield server
    server.stop()


def _drop_connections(app) -> None:
    # The app's connection and producer pools (kombu keeps them per URL, for the process) and
    # its result backend are made on first use for the URLs of that moment; dropped, the next
    # publish makes them again for the current ones.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def celery_broker(url: str):
    """Celery in this process publishes to ``url`` (as a web process with that
    CELERY_BROKER_URL and no CELERY_RESULT_BACKEND would, the results kept on the same Redis),
    through kombu's own connections, not eagerly."""
    from lsa_portal.celery import app

    saved = app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager
    _drop_connections(app)
    with pytest.MonkeyPatch.context() as patch:
        # Celery reads these two from the environment before its configuration.
        patch.setenv("CELERY_BROKER_URL", url)
        patch.setenv("CELERY_RESULT_BACKEND", url)
        app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = url, url, False
        try:
            yield app
        finally:
            _drop_connections(app)
            app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = saved
