"""The portal's public pages answer with real content, in Dutch first."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "dutch_heading"),
    [
        ("/", "Bewoners die hun eigen wijk runnen"),
        ("/wijkondernemingen/", "Wijkondernemingen in Nederland"),
        ("/wijkbv/", "Het WijkBV-programma"),
        ("/kennisbank/", "Kennisbank"),
    ],
)
def test_public_page_answers_in_dutch(client, url, dutch_heading):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert dutch_heading in html


def test_language_switch_shows_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Residents who run their own neighbourhood" in html


def test_layout_has_skip_link_landmarks_and_navigation(client):
    html = client.get("/").content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html
    for url in ("/wijkondernemingen/", "/wijkbv/", "/kennisbank/", "/accounts/login/"):
        assert f'href="{url}"' in html


def test_pages_load_nothing_from_other_hosts(client):
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_account_page_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_account_page_shows_roles(client):
    from tests.factories import StaffFactory

    staff = StaffFactory()
    client.force_login(staff)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert staff.email in html
    assert "LSA-medewerker" in html  # the staff role, in Dutch
