"""Security headers on real responses: the Content Security Policy everywhere, and the HTTPS
hardening (HSTS, secure cookies) with the production settings; plus a scan that keeps inline
script, style and event handlers out of the templates, so the strict policy stays possible."""

from __future__ import annotations

import os
import re
import runpy
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.factories import EnterpriseFactory, FAQFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "enterprises", "pioneers", "knowledge", "municipalities", "lsa_portal", "api")
PUBLIC_PAGES = (
    "/",
    "/wijkondernemingen/",
    "/wijkondernemingen/?thema=energie&provincie=utrecht",
    "/kennisbank/zoeken/?q=wijk",
    "/kennisbank/veelgestelde-vragen/",
    "/gemeenten/",
    "/accounts/login/",
    "/admin/login/",
    # The API answers JSON, under the same policy (a browser that opens it runs nothing).
    "/api/v1/openapi.json",
    "/api/v1/wijkondernemingen",
)


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _production_settings(**environment: str) -> dict:
    """The settings module evaluated as production would evaluate it."""
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-9f8e7d6c5b4a3",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
        **environment,
    }
    removed = ("DEBUG", "CSP_REPORT_ONLY", "CSP_REPORT_URI", "SECURE_SSL_REDIRECT")
    clean = {k: v for k, v in os.environ.items() if k not in removed}
    with mock.patch.dict(os.environ, clean | env, clear=True):
        return runpy.run_path(str(ROOT / "lsa_portal" / "settings.py"))


def _security_settings(values: dict) -> dict:
    """What decides the headers and cookies: the middleware and every security setting. The
    database, cache and static storage stay those of the test run."""
    prefixes = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "LANGUAGE_COOKIE_", "CONTENT_SECUR")
    chosen = {k: v for k, v in values.items() if k.startswith(prefixes)}
    for key in ("MIDDLEWARE", "PERMISSIONS_POLICY", "X_FRAME_OPTIONS", "DEBUG", "ALLOWED_HOSTS"):
        chosen[key] = values[key]
    return chosen


@pytest.fixture
def published():
    enterprise = EnterpriseFactory(name="Buurtbedrijf Het Anker")
    FAQFactory()
    return enterprise


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_carries_a_strict_enforced_content_security_policy(client, published, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert "Content-Security-Policy-Report-Only" not in response
    policy = _policy(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "nonce-" not in header


@pytest.mark.django_db
def test_the_profile_page_carries_the_other_security_headers(client, published):
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


@pytest.mark.django_db
def test_the_csrf_and_language_cookies_are_out_of_reach_of_scripts(client):
    response = client.get("/accounts/login/")
    assert response.cookies["csrftoken"]["httponly"]
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["httponly"]
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["samesite"] == "Lax"


@pytest.mark.django_db
def test_production_sends_hsts_secure_cookies_and_an_enforced_policy(published):
    production = _production_settings(REDIS_URL="")
    with override_settings(**_security_settings(production)):
        client = Client()
        plain = client.get("/wijkondernemingen/")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/wijkondernemingen/"

        page = client.get("/wijkondernemingen/", secure=True)
        assert page.status_code == 200
        assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert page["Cross-Origin-Opener-Policy"] == "same-origin"
        assert page["Referrer-Policy"] == "same-origin"
        assert "camera=()" in page["Permissions-Policy"]
        policy = _policy(page["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
        assert "upgrade-insecure-requests" in policy
        assert "Content-Security-Policy-Report-Only" not in page

        login = client.get("/accounts/login/", secure=True)
        assert login.cookies["csrftoken"]["secure"] and login.cookies["csrftoken"]["httponly"]
        user = UserFactory()
        logged_in = client.post(
            "/accounts/login/",
            {"login": user.email, "password": "Een-lang-wachtwoord-42"},
            secure=True,
        )
        assert logged_in.status_code == 302
        session = logged_in.cookies[settings.SESSION_COOKIE_NAME]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
        language = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
        assert language.cookies[settings.LANGUAGE_COOKIE_NAME]["secure"]


def test_production_ignores_a_request_for_a_report_only_policy():
    production = _production_settings(CSP_REPORT_ONLY="true")
    assert production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["default-src"] == ["'self'"]
    assert production["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None


@pytest.mark.django_db
def test_a_developer_can_try_the_policy_as_report_only(client):
    with mock.patch.dict(os.environ, {"CSP_REPORT_ONLY": "true", "DJANGO_ENV": "development"}):
        trial = runpy.run_path(str(ROOT / "lsa_portal" / "settings.py"))
    with override_settings(
        CONTENT_SECURITY_POLICY=trial["CONTENT_SECURITY_POLICY"],
        CONTENT_SECURITY_POLICY_REPORT_ONLY=trial["CONTENT_SECURITY_POLICY_REPORT_ONLY"],
    ):
        response = Client().get("/")
    assert "Content-Security-Policy" not in response
    assert "default-src 'self'" in response["Content-Security-Policy-Report-Only"]


# --- What keeps the strict policy possible: nothing inline ----------------------------------
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}
DJANGO_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def _served_templates() -> list[Path]:
    folders = [ROOT / "templates"] + [ROOT / app / "templates" for app in APPS]
    # WeasyPrint's templates (*/pdf/) become PDF files, never pages: no policy applies to them.
    return [
        path
        for folder in folders
        if folder.exists()
        for path in sorted(folder.rglob("*.html"))
        if "pdf" not in path.relative_to(folder).parts
    ]


def test_no_template_has_inline_script_style_or_event_handlers():
    templates = _served_templates()
    assert len(templates) > 50, "the scan found the templates"
    found = []
    for path in templates:
        text = DJANGO_COMMENT.sub("", path.read_text())
        for what, pattern in INLINE.items():
            found += [f"{path.relative_to(ROOT)}: {what}" for _ in pattern.findall(text)]
    assert not found, found


def test_no_python_module_writes_inline_style_or_script_into_pages():
    # knowledge/demo.py styles the demo reports' PDF files (WeasyPrint), which are not pages.
    modules = [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path != ROOT / "knowledge" / "demo.py"
    ]
    found = []
    for path in modules:
        text = path.read_text()
        for what in ("inline script", "style element", "style attribute"):
            if INLINE[what].search(text):
                found.append(f"{path.relative_to(ROOT)}: {what}")
    assert not found, found
