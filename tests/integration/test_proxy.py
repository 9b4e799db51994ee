"""The portal behind its proxy: Debian's nginx runs deploy/nginx/portal.conf.template (the file of
docker-compose.yml's nginx) in front of gunicorn with the production settings, and the test looks
at what a visitor and the app see: the headers on pages, static files and public uploads, the
visitor's address the app counts, and that /media/ gives away nothing but the public images.

Different visitors are different source addresses on the loopback network (127.0.0.2, ...):
nginx sees each as its own client, and the app must too.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings

from knowledge.models import upload_case_pdf, upload_report_pdf
from tests.conftest import require_service
from tests.proxy import Nginx, free_port, nginx_binary, readable_folder

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PROXY_ADDRESS = "127.0.0.1"  # nginx connects to gunicorn from here
FORM_LIMIT = 2  # KNOWLEDGE_FORM_RATE_PER_HOUR of the gunicorn under test
SECRET_MARKER = "not-for-visitors-" + uuid.uuid4().hex
# What the portal sends on a response to keep it safe, besides its body; nginx must send the same
# on the files it serves itself.
SECURITY_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "Content-Disposition",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Cross-Origin-Resource-Policy",
    "Cross-Origin-Opener-Policy",
    "Referrer-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
    "Strict-Transport-Security",
)

DATA_SCRIPT = """
from tests.factories import EnterpriseFactory
enterprise = EnterpriseFactory(name="Buurtbedrijf Achter de Proxy")
enterprise.logo.name = {logo!r}
enterprise.save()
print(enterprise.get_absolute_url())
"""


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def security_headers(self) -> dict[str, str | None]:
        """The headers that matter, written one way: a policy's directives in any order, a
        charset with or without quotes."""
        found = {name: self.headers.get(name) for name in SECURITY_HEADERS}
        if found["Content-Security-Policy"]:
            directives = found["Content-Security-Policy"].split(";")
            found["Content-Security-Policy"] = "; ".join(sorted(d.strip() for d in directives))
        if found["Content-Type"]:
            found["Content-Type"] = found["Content-Type"].replace('"', "")
        return found


def request(
    base: str,
    path: str,
    *,
    method: str = "GET",
    source: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Answer:
    """One request, sent as written (no normalisation of the path), from ``source``."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


class Visitor:
    """A browser at one address: keeps its cookies and posts forms with their CSRF token."""

    def __init__(self, base: str, source: str):
        self.base, self.source = base, source
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, body: bytes | None = None, **headers) -> Answer:
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer = request(
            self.base, path, method=method, source=self.source, headers=headers, body=body
        )
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return answer

    def get(self, path: str, **headers) -> Answer:
        return self._send("GET", path, **headers)

    def post_form(self, path: str, **headers) -> int:
        """The page's form, sent empty (it still counts against the limits)."""
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert field is not None, (path, "no CSRF token in the form")
        token = field.group(1)
        body = f"csrfmiddlewaretoken={token}".encode()
        answer = self._send(
            "POST",
            path,
            body,
            **{"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        return answer.status


def _png() -> bytes:
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _manage(environment: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr}"
    return result.stdout


@dataclass
class Stack:
    proxy: str  # nginx, as visitors reach it
    app: str  # gunicorn itself, which only nginx should reach
    profile: str
    logo: str
    public_files: dict[str, str]  # folder -> /media/ path of an image in it
    media_root: Path
    static_root: Path
    gunicorn_access_log: Path
    nginx: Nginx


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require_service(nginx_binary() is not None, "Debian's nginx (apt-get install nginx)")
    work = tmp_path_factory.mktemp("proxy")
    static_root = readable_folder("lsa-proxy-static-")
    media_root = readable_folder("lsa-proxy-media-")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lsa_portal.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{work / 'portal.sqlite3'}",
        "REDIS_URL": "",  # one gunicorn worker: its own memory is the shared cache
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "dummymail://",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        # Plain HTTP between the test and nginx; X-Forwarded-Proto is checked on its own.
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "TRUSTED_PROXIES": PROXY_ADDRESS,
        "KNOWLEDGE_FORM_RATE_PER_HOUR": str(FORM_LIMIT),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    _manage(environment, "migrate", "--noinput", "-v", "0")
    _manage(environment, "collectstatic", "--noinput", "-v", "0")

    png = _png()
    public_files = {}
    for folder in settings.PUBLIC_MEDIA_FOLDERS:
        name = f"{folder}/{uuid.uuid4().hex}.png"
        (media_root / folder).mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(png)
        public_files[folder] = f"/media/{name}"
    logo = public_files["enterprises/logos"].removeprefix("/media/")
    profile = _manage(environment, "shell", "-c", DATA_SCRIPT.format(logo=logo)).split()[-1]
    # What only the portal's own views may hand out, and what nobody may have.
    for name in (upload_report_pdf(None, "r.pdf"), upload_case_pdf(None, "c.pdf")):
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_text(f"%PDF-1.4 {SECRET_MARKER}")
    (media_root / "kennisbank" / "rapporten" / "looks-like-a-cover.png").write_bytes(png)
    (media_root / "enterprises" / "logos" / "statement.pdf").write_text(SECRET_MARKER)
    (media_root / "secret.txt").write_text(SECRET_MARKER)
    (media_root.parent / f"{media_root.name}-next-door.txt").write_text(SECRET_MARKER)

    port = free_port()
    access_log = work / "gunicorn-access.log"
    error_log = work / "gunicorn-error.log"
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lsa_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(error_log),
        ],  # fmt: skip
        cwd=ROOT,
        env=environment,
    )
    app = f"http://127.0.0.1:{port}"
    nginx = None
    try:
        deadline = time.monotonic() + 60
        while True:
            assert gunicorn.poll() is None, f"gunicorn stopped:\n{error_log.read_text()}"
            try:
                if request(app, "/health/").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no /health/ in 60 s:\n{error_log.read_text()}"
            time.sleep(0.3)
        nginx = Nginx(upstream=f"127.0.0.1:{port}", static_root=static_root, media_root=media_root)
        nginx.start()
        yield Stack(
            proxy=nginx.url,
            app=app,
            profile=profile,
            logo=f"/media/{logo}",
            public_files=public_files,
            media_root=media_root,
            static_root=static_root,
            gunicorn_access_log=access_log,
            nginx=nginx,
        )
    finally:
        if nginx is not None:
            nginx.stop()
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        for folder in (static_root, media_root):
            shutil.rmtree(folder, ignore_errors=True)
        (media_root.parent / f"{media_root.name}-next-door.txt").unlink(missing_ok=True)


def _reached_the_app(stack: Stack, path: str) -> bool:
    time.sleep(0.2)  # gunicorn writes its access log after the answer
    return f" {path} " in stack.gunicorn_access_log.read_text()


# --- Headers ----------------------------------------------------------------------------------


def test_pages_pass_through_the_proxy_with_the_apps_headers_and_host(stack):
    through = request(stack.proxy, stack.profile)
    direct = request(stack.app, stack.profile)
    assert through.status == direct.status == 200
    assert "Buurtbedrijf Achter de Proxy" in through.text
    assert stack.logo in through.text
    assert through.security_headers() == direct.security_headers()
    assert through.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in through.headers["Content-Security-Policy"]
    assert through.headers["Server"] == "nginx"  # no version for scanners
    # The Host the visitor asked for reaches the app, which refuses hosts it does not serve.
    assert request(stack.proxy, "/", headers={"Host": "evil.example"}).status == 400


def test_static_files_are_served_by_nginx_with_the_portals_headers(stack):
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())["paths"]
    script = next(name for name in sorted(manifest) if name.endswith(".js"))
    for path, immutable in (
        ("/static/css/portal.css", False),
        (f"/static/{manifest['css/portal.css']}", True),
        (f"/static/{manifest['img/logo.svg']}", True),
        (f"/static/{manifest[script]}", True),
    ):
        through = request(stack.proxy, path)
        assert through.status == 200, (path, stack.nginx.error_log)
        assert not _reached_the_app(stack, path), f"nginx passed {path} on to the app"
        direct = request(stack.app, path)
        assert through.security_headers() == direct.security_headers(), path
        assert through.headers["X-Content-Type-Options"] == "nosniff"
        assert ("immutable" in through.headers["Cache-Control"]) is immutable
    compressed = request(stack.proxy, "/static/css/portal.css", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"


def test_public_uploads_are_served_by_nginx_with_the_portals_headers(stack):
    for folder, path in stack.public_files.items():
        through = request(stack.proxy, path)
        assert through.status == 200, (folder, stack.nginx.error_log)
        assert not _reached_the_app(stack, path), f"nginx does not serve {folder} itself"
        assert through.body == (stack.media_root / path.removeprefix("/media/")).read_bytes()
        direct = request(stack.app, path)
        assert direct.status == 200
        assert through.security_headers() == direct.security_headers(), folder
        # What README promises for every upload, however it is served.
        assert through.headers["Content-Type"] == "image/png"
        assert through.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in through.headers["Content-Security-Policy"]


# --- /media/ gives nothing else away ----------------------------------------------------------


def test_private_uploads_never_come_through_media(stack):
    private = [
        path.relative_to(stack.media_root).as_posix()
        for path in stack.media_root.rglob("*")
        if path.is_file()
        and f"/media/{path.relative_to(stack.media_root).as_posix()}"
        not in stack.public_files.values()
    ]
    assert len(private) >= 5
    for name in private:
        answer = request(stack.proxy, f"/media/{name}")
        assert answer.status == 404, (name, answer.status)
        assert SECRET_MARKER not in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/media/enterprises/logos/../../kennisbank/rapporten/",
        "/media/enterprises/logos/../../secret.txt",
        "/media/enterprises/logos/..%2f..%2fsecret.txt",
        "/media/enterprises/logos/%2e%2e/%2e%2e/secret.txt",
        "/media/enterprises/logos/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/media/enterprises/logos/..%5c..%5csecret.txt",
        "/media//secret.txt",
        "/media/./secret.txt",
        "/media/enterprises/logos/x.png/../../../secret.txt",
        "/media/enterprises/logos/statement.pdf%00.png",
        "/media/../{next_door}",
        "/media/%2e%2e/{next_door}",
        "/media/enterprises/logos/../../../{next_door}",
        "/media/enterprises/logos",
        "/media/enterprises/logos/",
        "/media/",
    ],
)
def test_no_path_through_media_reaches_a_private_file(stack, path):
    next_door = f"{stack.media_root.name}-next-door.txt"
    answer = request(stack.proxy, path.format(next_door=next_door))
    assert answer.status in (400, 403, 404), (path, answer.status)
    assert SECRET_MARKER not in answer.text


# --- The visitor's address --------------------------------------------------------------------


def test_the_app_counts_each_visitor_behind_the_proxy_apart(stack):
    alice = Visitor(stack.proxy, "127.0.0.2")
    bob = Visitor(stack.proxy, "127.0.0.3")
    form = "/kennisbank/nieuwsbrief/"
    assert [alice.post_form(form) for _ in range(FORM_LIMIT)] == [200] * FORM_LIMIT
    assert alice.post_form(form) == 429
    # Bob, behind the same proxy, still gets in: the app counted Alice's address, not nginx's.
    assert bob.post_form(form) == 200
    # Alice cannot pass for someone else by writing an address in X-Forwarded-For herself.
    for forged in ("127.0.0.9", "127.0.0.9, 127.0.0.8", "unknown"):
        assert alice.post_form(form, **{"X-Forwarded-For": forged}) == 429, forged


def test_each_visitor_behind_the_proxy_has_their_own_log_in_limit(stack):
    limit = int(settings.ACCOUNT_RATE_LIMITS["login"].split("/")[0])
    carol = Visitor(stack.proxy, "127.0.0.4")
    dave = Visitor(stack.proxy, "127.0.0.5")
    login = "/accounts/login/"
    statuses = [carol.post_form(login) for _ in range(limit)]
    assert 429 not in statuses
    assert carol.post_form(login) == 429
    assert carol.post_form(login, **{"X-Forwarded-For": "127.0.0.5"}) == 429
    assert dave.post_form(login) == 200


def test_a_forged_address_sent_to_the_app_itself_is_not_believed(stack):
    """Only nginx (TRUSTED_PROXIES) is believed: a visitor that reaches gunicorn directly is
    counted at its own address, whatever X-Forwarded-For it sends."""
    eve = Visitor(stack.app, "127.0.0.6")
    form = "/kennisbank/advies/"
    statuses = [
        eve.post_form(form, **{"X-Forwarded-For": f"192.0.2.{n}"}) for n in range(FORM_LIMIT + 1)
    ]
    assert statuses == [200] * FORM_LIMIT + [429]


def test_the_scheme_the_app_sees_is_the_proxys_not_the_visitors(stack):
    """nginx sets X-Forwarded-Proto itself: a visitor on plain HTTP who claims HTTPS is still
    on HTTP for the app (no HSTS, which the app sends only over HTTPS)."""
    claim = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" in request(stack.app, "/", headers=claim).headers
    through = request(stack.proxy, "/", headers=claim)
    assert through.status == 200
    assert "Strict-Transport-Security" not in through.headers
