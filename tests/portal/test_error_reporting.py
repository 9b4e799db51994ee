"""Error reports (sentry-sdk, when SENTRY_DSN is set) reach the tracker without personal data:
no e-mail address, cookie, authorization header, form data, query string or IP address; with the
request id of the request's log lines. A transport of the test's own catches what would be sent."""

from __future__ import annotations

import io
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from sentry_sdk.transport import Transport

from lsa_portal import error_reporting
from lsa_portal.urls import urlpatterns as portal_urlpatterns
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "bewoner.jansen@example.org"


@csrf_exempt  # the form's own token is not what this test is about
def broken(request):
    logging.getLogger("lsa_portal.tests").warning("Zocht naar %s", request.GET.get("email"))
    raise ValueError(f"Geen onderneming voor {request.POST.get('email')}")


urlpatterns = [path("stuk/", broken), *portal_urlpatterns]


class CapturingTransport(Transport):
    """Keeps the envelopes that would go to the tracker."""

    def __init__(self):
        super().__init__()
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


@pytest.fixture
def tracker():
    transport = CapturingTransport()
    error_reporting.start(
        "https://public-key@fouten.example.invalid/1",
        environment="proef",
        release="lsa-portal@1.2.3",
        transport=transport,
    )
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reports off again for the tests that follow


def _events(transport: CapturingTransport) -> list[dict]:
    sentry_sdk.flush()
    return [e for e in (envelope.get_event() for envelope in transport.envelopes) if e]


def _through_wsgi(method: str, path: str, query: str, form: dict, **headers: str):
    """A request as gunicorn hands it to the portal (Django's WSGI handler, which sentry-sdk
    wraps), rather than through the test client, which skips that layer."""
    body = urlencode(form).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        **headers,
    }
    status_and_headers: dict[str, Any] = {}

    def start_response(status, response_headers, exc_info=None):
        status_and_headers.update(status=status, headers=dict(response_headers))

    # As Django's test client does: the test's transaction must outlive the request.
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        b"".join(response)
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return status_and_headers


@pytest.mark.urls(__name__)
def test_an_error_reaches_the_tracker_without_personal_data(tracker, settings):
    settings.DEBUG = False
    user = UserFactory(email=EMAIL, first_name="Jan", last_name="Jansen")
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = _through_wsgi(
        "POST",
        "/stuk/",
        f"email={EMAIL}&zoek=schuldhulp",
        {"email": EMAIL, "naam": "Jan Jansen", "telefoon": "0612345678"},
        HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken=koekje-456",
        HTTP_AUTHORIZATION="Bearer geheim-sleutel-123",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        HTTP_X_REAL_IP="203.0.113.9",
        HTTP_USER_AGENT="Proefbrowser/1.0",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response["status"].startswith("500")

    events = _events(tracker)
    (event,) = [e for e in events if e.get("exception")]
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert exception["value"] == "Geen onderneming voor [e-mail]"
    assert event["tags"]["request_id"] == response["headers"]["X-Request-ID"]
    assert event["environment"] == "proef" and event["release"] == "lsa-portal@1.2.3"
    request = event["request"]
    assert request["method"] == "POST"
    assert request["url"] == "http://testserver/stuk/"
    assert request["headers"]["User-Agent"] == "Proefbrowser/1.0"
    assert (
        not {"Cookie", "Authorization", "X-Forwarded-For", "X-Real-Ip"} & request["headers"].keys()
    )
    assert not {"cookies", "data", "env", "query_string"} & request.keys()
    assert set(event.get("user", {})) <= {"id"}
    crumbs = [crumb.get("message") for crumb in event["breadcrumbs"]["values"]]
    assert "Zocht naar [e-mail]" in crumbs

    sent = b"".join(envelope.serialize() for envelope in tracker.envelopes)
    secrets = [
        EMAIL,
        "jansen",
        "0612345678",
        "schuldhulp",
        "geheim-sleutel-123",
        "koekje-456",
        "203.0.113.9",
        "198.51.100.7",
        session,
    ]
    for secret in secrets:
        assert secret.encode() not in sent, secret


def test_secret_tokens_in_the_address_are_left_out():
    event = error_reporting.scrub_event(
        {
            "request": {
                "url": "https://portaal.example.org/kennisbank/nieuwsbrief/afmelden/abc.DEF-123/",
                "query_string": "email=a%40example.org",
            }
        }
    )
    assert event["request"] == {
        "url": "https://portaal.example.org/kennisbank/nieuwsbrief/afmelden/[token]/"
    }


def test_the_previous_address_is_left_out():
    """The Referer holds the page before, with its tokens and search words."""
    event = error_reporting.scrub_event(
        {
            "request": {
                "url": "https://portaal.example.org/kennisbank/",
                "headers": {
                    "Referer": "https://portaal.example.org/accounts/password/reset/key/1-abc/",
                    "User-Agent": "Firefox",
                },
            }
        }
    )
    assert event["request"]["headers"] == {"User-Agent": "Firefox"}


def test_without_a_dsn_nothing_is_sent_and_the_privacy_statement_names_no_tracker(client, settings):
    assert sentry_sdk.get_client().dsn is None
    html = client.get("/privacyverklaring/").content.decode()
    assert "foutenregistratiesysteem" not in html
    settings.SENTRY_DSN = "https://public-key@fouten.example.invalid/1"
    html = client.get("/privacyverklaring/").content.decode()
    assert "gaat er een melding van de fout naar het foutenregistratiesysteem" in html
    assert "zonder e-mailadressen, cookies, formulierinhoud of IP-adressen" in html
