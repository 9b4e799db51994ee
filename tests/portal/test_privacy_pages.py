"""The privacy statement and the cookie page, linked from every page; the cookies the portal
really sets are the ones the page lists; no page loads anything from another host."""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.services import UNVERIFIED_ACCOUNT_DAYS
from enterprises.models import Enterprise, EnterpriseStatus
from knowledge.models import Article, CaseDescription, Report
from lsa_portal.cookies import functional_cookies
from pioneers.models import Pioneer
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
STATEMENT = reverse("privacy_statement")
COOKIES = reverse("cookies")


def test_every_page_links_the_privacy_statement_and_the_cookie_page(client):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'<a href="{STATEMENT}">Privacyverklaring</a>' in footer
    assert f'<a href="{COOKIES}">Cookies</a>' in footer


def test_the_privacy_statement_names_every_retention_term(client, settings):
    settings.PRIVACY_CONTACT_EMAIL = "privacy@wijkondernemingen.example"
    response = client.get(STATEMENT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Privacyverklaring</h1>" in html
    assert (
        "Accounts waarvan het e-mailadres nooit is bevestigd, worden na "
        f"{UNVERIFIED_ACCOUNT_DAYS} dagen verwijderd." in html
    )
    assert "worden verwijderd zodra hun link verloopt, 14 dagen na verzending" in html
    assert f"na {settings.KNOWLEDGE_REQUEST_RETENTION_DAYS} dagen verwijderd" in html
    assert "Aanmeldingen voor de nieuwsbrief die nooit zijn bevestigd, worden na 7 dagen" in html
    assert "maandoverzicht van een gemeente die nooit zijn bevestigd" in html
    # The audit log's term, and why it is as long as it is.
    assert "Regels in het auditlog worden na 730 dagen verwijderd" in html
    assert "Elke regel wordt na 730 dagen verwijderd." in html
    assert 'href="mailto:privacy@wijkondernemingen.example"' in html
    assert f'href="{reverse("accounts:privacy")}"' in html
    assert f'href="{COOKIES}"' in html


def test_the_privacy_statement_speaks_english_too(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(STATEMENT).content.decode()
    assert "<h1>Privacy statement</h1>" in html
    assert "are removed after 14 days" in html


def test_the_cookie_page_lists_only_functional_cookies_and_says_why_there_is_no_banner(client):
    html = client.get(COOKIES).content.decode()
    for cookie in functional_cookies():
        assert f'<h3 class="h4"><code>{cookie.name}</code></h3>' in html
    assert "alleen functionele cookies" in html
    assert "geen cookiebanner" in html


def test_the_portal_sets_no_cookie_that_the_cookie_page_does_not_list(client):
    seen: set[str] = set()

    def visit(response):
        seen.update(response.cookies.keys())
        return response

    user = UserFactory()
    visit(client.get("/"))
    visit(client.get(reverse("account_login")))  # a form: the CSRF cookie
    visit(client.post(reverse("set_language"), {"language": "en", "next": "/"}))
    visit(client.post(reverse("set_language"), {"language": "nl", "next": "/"}))
    response = visit(
        client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    )
    visit(client.get(response["Location"]))  # reads the "logged in" message
    visit(client.get(reverse("accounts:privacy")))
    visit(client.post(reverse("accounts:delete_account"), {"password": DEFAULT_PASSWORD}))
    visit(client.get("/"))

    listed = {cookie.name for cookie in functional_cookies()}
    assert seen, "the walk through the portal set no cookie at all"
    assert seen <= listed, seen - listed
    assert {"sessionid", "csrftoken", "django_language", "messages"} <= seen


class _Resources(HTMLParser):
    """Every URL a browser would fetch by itself (not links a person clicks)."""

    FETCHING = {
        ("script", "src"),
        ("link", "href"),
        ("img", "src"),
        ("img", "srcset"),
        ("source", "src"),
        ("source", "srcset"),
        ("iframe", "src"),
        ("video", "src"),
        ("video", "poster"),
        ("audio", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("image", "href"),
        ("use", "href"),
        ("form", "action"),
    }

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (tag, name) in self.FETCHING:
                self.urls.extend(part.strip().split(" ")[0] for part in value.split(","))
            if name == "style" and value:
                self.urls.extend(re.findall(r"url\(['\"]?([^'\")]+)", value))

    def handle_data(self, data):
        self.urls.extend(re.findall(r"url\(['\"]?([^'\")]+)", data))  # <style> blocks


def _external(html: str) -> list[str]:
    parser = _Resources()
    parser.feed(html)
    return [url for url in parser.urls if re.match(r"^(https?:)?//", url, re.IGNORECASE)]


def test_no_page_loads_anything_from_another_host(client):
    call_command("seed_demo", verbosity=0)
    enterprise = Enterprise.objects.filter(status=EnterpriseStatus.PUBLISHED).first()
    pioneer = Pioneer.objects.first()
    pages = [
        "/",
        reverse("enterprises:index"),
        enterprise.get_absolute_url(),
        reverse("enterprises:benchmark"),
        reverse("pioneers:index"),
        reverse("knowledge:index"),
        reverse("knowledge:search") + "?q=wijk",
        reverse("knowledge:faq"),
        Report.objects.filter(status="gepubliceerd").first().get_absolute_url(),
        Article.objects.filter(status="gepubliceerd").first().get_absolute_url(),
        CaseDescription.objects.filter(status="gepubliceerd").first().get_absolute_url(),
        reverse("municipalities:index"),
        reverse("municipalities:detail", args=[enterprise.municipality.slug]),
        STATEMENT,
        COOKIES,
        reverse("account_login"),
        reverse("account_signup"),
    ]
    logged_in = [
        reverse("accounts:privacy"),
        reverse("accounts:profile"),
        reverse("enterprises:mine"),
        reverse("enterprises:review", args=[enterprise.slug]),
        reverse("pioneers:pioneer", args=[pioneer.slug]),
        reverse("admin:index"),
        reverse("admin:lsa_portal_auditentry_changelist"),
    ]
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = _external(response.content.decode())
    client.login(email="medewerker@example.org", password="wijk-demo-2026")
    for url in logged_in:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = _external(response.content.decode())
    assert not any(found.values()), {url: urls for url, urls in found.items() if urls}
