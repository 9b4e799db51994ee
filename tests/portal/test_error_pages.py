"""Error pages (400, 403, 404, 429, 500) in the portal's look, in Dutch and English, without a
stack trace; allauth's rate limits and the knowledge forms' limit answer with them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

LOOK = ('class="site-header"', 'class="site-footer"', "css/portal.css")


def _client(language: str, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if language == "en":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _assert_error_page(response, status: int, text: str, language: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in html
    for mark in LOOK:
        assert mark in html, mark
    assert text in html
    assert "Traceback" not in html and "geheime details" not in html
    assert 'id="error-title"' in html
    return html


@pytest.fixture(autouse=True)
def _no_debug(settings):
    settings.DEBUG = False


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Deze pagina bestaat niet"), ("en", "This page does not exist")],
)
def test_404_in_both_languages(language, text):
    response = _client(language).get("/bestaat-niet/<script>alert(1)</script>/")
    html = _assert_error_page(response, 404, text, language)
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Je mag deze pagina niet openen"), ("en", "You may not open this page")],
)
def test_403_in_both_languages(language, text):
    client = _client(language)
    client.force_login(UserFactory())
    response = client.get(reverse("knowledge:export_requests"))
    _assert_error_page(response, 403, text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Het formulier is verlopen"), ("en", "The form has expired")],
)
def test_a_form_without_its_csrf_token_gets_a_clear_403(language, text):
    client = _client(language, enforce_csrf_checks=True)
    response = client.post(reverse("knowledge:newsletter"), {"email": "a@example.org"})
    _assert_error_page(response, 403, text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Het portaal kon dit verzoek niet lezen"), ("en", "The portal could not read this")],
)
def test_400_in_both_languages(language, text):
    response = _client(language).get("/", HTTP_HOST="aanvaller.example")  # DisallowedHost
    html = _assert_error_page(response, 400, text, language)
    assert "aanvaller.example" not in html


@pytest.mark.urls("tests.portal.crash_urls")
@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Er ging bij ons iets mis"), ("en", "Something went wrong on our side")],
)
def test_500_in_both_languages_without_a_stack_trace(language, text):
    response = _client(language).get("/kapot/")
    html = _assert_error_page(response, 500, text, language)
    assert "RuntimeError" not in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Te veel pogingen in korte tijd"), ("en", "Too many attempts in a short time")],
)
def test_allauth_rate_limit_answers_with_the_429_page(settings, language, text):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    user = UserFactory()
    client = _client(language)
    url = reverse("account_login")
    for _ in range(3):
        assert client.post(url, {"login": user.email, "password": "fout"}).status_code == 200
    response = client.post(url, {"login": user.email, "password": "fout"})
    _assert_error_page(response, 429, text, language)


def test_too_many_failed_log_ins_for_one_account_get_a_dutch_message():
    user = UserFactory()
    client = _client("nl")
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": user.email, "password": "fout"})
    html = client.post(url, {"login": user.email, "password": "fout"}).content.decode()
    assert "Te veel verkeerde wachtwoorden voor dit adres" in html
    assert f'href="{reverse("account_request_login_code")}"' in html  # the code still works


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Te veel aanvragen vanaf je verbinding"),
        ("en", "Too many requests from your connection"),
    ],
)
def test_knowledge_form_rate_limit_answers_429_in_the_portal_look(settings, language, text):
    settings.KNOWLEDGE_FORM_RATE_LIMIT = (1, 3600)
    report = ReportFactory(access="op-aanvraag")
    client = _client(language)
    url = reverse("knowledge:report_request", kwargs={"slug": report.slug})
    client.post(url, {"name": "Een", "email": "een@example.org"})
    response = client.post(url, {"name": "<b>Twee</b>", "email": "twee@example.org"})
    html = response.content.decode()
    assert response.status_code == 429
    assert f'<html lang="{language}">' in html
    assert all(mark in html for mark in LOOK)
    assert text in html
    assert "&lt;b&gt;Twee&lt;/b&gt;" in html  # what was typed is kept, escaped


def test_allauth_rate_limits_use_the_shared_cache():
    """Every web process must count the same attempts: the cache is Redis when configured."""
    if settings.REDIS_URL:
        from django.core.cache import caches
        from django.core.cache.backends.redis import RedisCache

        # The portal's subclass keeps one Redis client per connection pool (lsa_portal/cache.py).
        assert isinstance(caches["default"], RedisCache)
        assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    assert "login_failed" in settings.ACCOUNT_RATE_LIMITS
    assert getattr(settings, "ACCOUNT_RATE_LIMITS", None) is not False


@pytest.mark.parametrize(
    "path",
    ["/wijkondernemingen/uitnodiging/a%00b/", "/gemeenten/volgen/afmelden/%00/", "/%00"],
)
def test_a_nul_character_in_the_address_gets_the_404_page(path):
    """Tokens in addresses are looked up in the database, which refuses NUL with an error."""
    _assert_error_page(_client("nl").get(path), 404, "Deze pagina bestaat niet", "nl")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Deze pagina kan zo niet gebruikt worden"),
        ("en", "This page cannot be used this way"),
    ],
)
def test_405_in_both_languages_keeps_the_allow_header(language, text):
    """A form sent to a page that only opens answers with the portal's page, not a blank one."""
    response = _client(language).post(reverse("enterprises:index"))
    _assert_error_page(response, 405, text, language)
    assert response["Allow"] == "GET, HEAD"


def test_405_of_a_page_that_only_takes_a_form_names_post():
    client = _client("nl")
    client.force_login(UserFactory())
    response = client.put(reverse("accounts:privacy_export"))
    _assert_error_page(response, 405, "Deze pagina kan zo niet gebruikt worden", "nl")
    assert response["Allow"] == "POST"
    head = client.head(reverse("accounts:privacy_export"))
    assert head.status_code == 405 and head.content == b"" and head["Allow"] == "POST"
