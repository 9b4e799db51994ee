"""The log: one line per request with its id (also in the response's X-Request-ID header and in
every other record of that request), method, path, status, duration and the user's number;
no e-mail address, query string or secret token; JSON with LOG_FORMAT=json."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from lsa_portal.logs import JsonFormatter, RequestIdFilter, request_id
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NEW_ID = re.compile(r"[0-9a-f]{32}")


class Log:
    """What the portal's configured console handler writes, line by line."""

    def __init__(self, handler: logging.Handler, buffer: io.StringIO):
        self.handler, self.buffer = handler, buffer

    @property
    def lines(self) -> list[str]:
        return self.buffer.getvalue().splitlines()

    def json(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def log():
    (handler,) = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in handler.filters)
    ]
    buffer = io.StringIO()
    stream, formatter = handler.setStream(buffer), handler.formatter
    yield Log(handler, buffer)
    handler.setStream(stream)
    handler.setFormatter(formatter)


@pytest.fixture
def json_log(log):
    log.handler.setFormatter(JsonFormatter())
    return log


def test_a_request_logs_one_line_with_its_id_method_path_status_and_duration(client, log):
    response = client.get("/")

    rid = response["X-Request-ID"]
    assert NEW_ID.fullmatch(rid)
    (line,) = log.lines
    assert re.search(rf"INFO lsa_portal\.requests \[{rid}\] GET / 200 \d+\.\dms user=-$", line)
    assert request_id.get() is None  # nothing of the request stays behind
    assert client.get("/")["X-Request-ID"] != rid


def test_a_page_that_is_not_found_logs_one_line_too(client, log):
    response = client.get("/bestaat-niet/")
    (line,) = log.lines  # Django's own "Not Found" warning would repeat it
    assert f"[{response['X-Request-ID']}] GET /bestaat-niet/ 404 " in line


def test_the_line_names_the_user_by_number_never_by_address(client, log):
    user = UserFactory(email="bewoner.jansen@example.org")
    client.force_login(user)
    client.get(reverse("accounts:profile"))
    (line,) = log.lines
    assert line.endswith(f"user={user.pk}")
    assert "jansen" not in line


def test_json_lines_parse_and_hold_no_query_string(client, json_log):
    response = client.get("/kennisbank/zoeken/?q=schuldhulp+mevrouw+de+vries")

    (entry,) = json_log.json()
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["logger"] == "lsa_portal.requests" and entry["level"] == "INFO"
    assert entry["method"] == "GET"
    assert entry["path"] == "/kennisbank/zoeken/"
    assert entry["status"] == 200
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["user_id"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])
    assert "vries" not in json_log.buffer.getvalue()


def test_secret_tokens_in_addresses_are_not_logged(client, log):
    token = "eyJlbWFpbCI6Imxlem.er-geheim_123"
    client.get(reverse("knowledge:newsletter_unsubscribe", args=[token]))
    (line,) = log.lines
    assert "GET /kennisbank/nieuwsbrief/afmelden/[token]/ " in line
    assert token not in line


def test_the_proxys_request_id_is_kept(client, log):
    from_proxy = "5f0c6d1e9a8b4c3d2e1f0a9b8c7d6e5f"
    response = client.get("/", HTTP_X_REQUEST_ID=from_proxy)
    assert response["X-Request-ID"] == from_proxy
    (line,) = log.lines
    assert f"[{from_proxy}]" in line


@pytest.mark.parametrize(
    "forged",
    [
        "a" * 65,
        "abc123\n2026-01-01 INFO lsa_portal.requests [x] GET /admin/ 200",
        "<script>alert(1)</script>",
        "kort",
        "id met spaties erin",
        "-leading-dash-0123",
    ],
)
def test_a_forged_request_id_is_replaced(client, log, forged):
    response = client.get("/", HTTP_X_REQUEST_ID=forged)
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    (line,) = log.lines
    assert f"[{response['X-Request-ID']}]" in line
    assert forged not in log.buffer.getvalue()


@pytest.mark.urls("tests.portal.crash_urls")
def test_every_record_of_a_request_carries_its_id(json_log, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/kapot/")

    error, line = json_log.json()
    rid = response["X-Request-ID"]
    assert error["request_id"] == line["request_id"] == rid
    assert error["level"] == "ERROR" and "RuntimeError" in error["exception"]
    assert line["status"] == 500 and line["path"] == "/kapot/"
    assert "request" not in error  # Django passes the request object; never written out


def test_records_outside_a_request_have_no_id(log):
    logging.getLogger("lsa_portal.tasks").warning("Een taak buiten een verzoek")
    (line,) = log.lines
    assert "[-] Een taak buiten een verzoek" in line


def _manage(tmp_path, *command: str, **environment: str) -> subprocess.CompletedProcess:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **environment}
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_LOG_FORMAT_json_writes_each_record_as_one_json_object(tmp_path):  # noqa: N802
    code = "from django.test import Client; Client(HTTP_HOST='localhost').get('/health/')"
    result = _manage(tmp_path, "shell", "-c", code, LOG_FORMAT="json", LOG_LEVEL="INFO")
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    (request,) = [e for e in entries if e["logger"] == "lsa_portal.requests"]
    assert request["path"] == "/health/" and request["status"] == 200
    assert NEW_ID.fullmatch(request["request_id"])


def test_an_unknown_LOG_FORMAT_stops_the_start(tmp_path):  # noqa: N802
    result = _manage(tmp_path, "check", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'text' or 'json', not 'xml'" in result.stderr
