"""nginx in front of a gunicorn, with the repository's own proxy configuration.

``deploy/nginx/portal.conf.template`` is what docker-compose.yml's nginx runs. Here it is
rendered as the official image renders it (envsubst of its ``PORTAL_*`` variables), put inside
an http {} block like the image's ``nginx.conf``, and run by Debian's nginx as an ordinary
process (never as root: as ``nobody`` when the caller is root) with its pid, logs and temporary
files in a folder of its own. The proxy test (tests/integration/test_proxy.py) and the load test
(``python -m tests.load``) both start it from here.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx" / "portal.conf.template"
# Debian's nginx; the official image has the same mime.types in the same place.
DEBIAN_NGINX = "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"

HTTP_BLOCK = """\
# As the official image's nginx.conf, with every path in this folder.
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log notice;
events {{
    worker_connections 4096;
}}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {access_log};
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/portal.conf;
}}
"""


def nginx_binary() -> str | None:
    """Debian's nginx (``apt-get install nginx-light``), or None."""
    found = shutil.which("nginx") or (DEBIAN_NGINX if os.access(DEBIAN_NGINX, os.X_OK) else None)
    return found if found and Path(MIME_TYPES).exists() else None


def render(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with its ``${PORTAL_*}`` variables filled in, as envsubst fills them; a
    variable without a value is an error here (envsubst would leave it empty)."""
    text = template.read_text()
    missing = sorted(set(re.findall(r"\$\{(PORTAL_[A-Z0-9_]+)\}", text)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)} in {template.name}")
    return re.sub(r"\$\{(PORTAL_[A-Z0-9_]+)\}", lambda match: values[match.group(1)], text)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def readable_folder(prefix: str) -> Path:
    """A temporary folder that nginx's user may read (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


def _unprivileged_user() -> tuple[int, int] | None:
    """The (uid, gid) to run nginx as when this process is root; None when it is not."""
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


class Nginx:
    """nginx with the portal's configuration, in front of ``upstream`` (``host:port``).

    ``static_root`` and ``media_root`` must be readable by nginx's user (``readable_folder``).
    Used as a context manager, or ``start()`` and ``stop()``.
    """

    def __init__(
        self,
        *,
        upstream: str,
        static_root: Path,
        media_root: Path,
        host: str = "127.0.0.1",
        port: int | None = None,
        workers: int | str = 1,
        access_log: bool = True,
    ):
        binary = nginx_binary()
        if binary is None:
            raise FileNotFoundError(f"nginx (with {MIME_TYPES}) is not installed")
        self.binary = binary
        self.host = host
        self.port = port or free_port()
        self.folder = readable_folder("lsa-nginx-")
        self.config = self.folder / "nginx.conf"
        (self.folder / "portal.conf").write_text(
            render(
                {
                    "PORTAL_LISTEN": f"{host}:{self.port}",
                    "PORTAL_UPSTREAM": upstream,
                    "PORTAL_STATIC_ROOT": str(static_root).rstrip("/"),
                    "PORTAL_MEDIA_ROOT": str(media_root).rstrip("/"),
                }
            )
        )
        self.config.write_text(
            HTTP_BLOCK.format(
                workers=workers,
                folder=self.folder,
                mime_types=MIME_TYPES,
                access_log=f"{self.folder}/access.log" if access_log else "off",
            )
        )
        self.user = _unprivileged_user()
        if self.user:
            for path in [self.folder, *self.folder.iterdir()]:
                os.chown(path, *self.user)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def command(self) -> list[str]:
        return [
            self.binary,
            "-p", f"{self.folder}/",
            "-c", str(self.config),
            "-e", str(self.folder / "error.log"),
            "-g", "daemon off;",
        ]  # fmt: skip

    def check(self) -> None:
        """``nginx -t``: the configuration is valid for this nginx."""
        result = self._run([*self.command(), "-t"])
        if result.returncode != 0:
            raise RuntimeError(f"nginx refuses the configuration:\n{result.stderr}")

    def _as_user(self) -> dict[str, Any]:
        """The keyword arguments of subprocess that run nginx as ``self.user`` (if any)."""
        if not self.user:
            return {}
        return {"user": self.user[0], "group": self.user[1], "extra_groups": []}

    def _run(self, command: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=30,
            **self._as_user(),
        )

    def start(self, timeout: float = 20) -> Nginx:
        self.check()
        self.process = subprocess.Popen(
            self.command(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **self._as_user(),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx stopped at start:\n{self.error_log}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {self.url} within {timeout:.0f} s")

    def stop(self) -> None:
        """Stop this nginx (by its own process id) and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown, workers included
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
