"""A locked password does not lock out its owner: a log-in code by mail still works.

Five wrong passwords for an address pause logging in with a password for that address (the
right one too: anyone can type wrong passwords for someone else's address). The log-in form
then says so and links to the code log-in: the code goes to the address itself, so only its
owner can use it. Wrong codes let nobody in.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")
REQUEST_CODE = reverse("account_request_login_code")
CONFIRM_CODE = reverse("account_confirm_login_code")
CODE = re.compile(r"^\s*([A-Z]{4}-[A-Z]{4})\s*$", re.MULTILINE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def resident():
    return UserFactory(email="fatima@example.org")


def _lock(client, address: str, url: str = LOGIN) -> None:
    for _ in range(5):
        page = client.post(url, {"login": address, "password": "fout-wachtwoord"})
        assert "niet correct" in page.content.decode()


def _code_in(message) -> str:
    match = CODE.search(message.body)
    assert match, message.body
    return match.group(1)


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_locked_password_names_the_code_route_and_the_code_lets_the_owner_in(client, resident):
    login = LOGIN + "?next=/account/"
    _lock(client, resident.email, login)
    response = client.post(login, {"login": resident.email, "password": DEFAULT_PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert _logged_in_as(client) is None  # the right password waits too
    assert "inloggen met een wachtwoord staat een paar minuten stil" in html
    code_link = re.search(r'<a href="([^"]+)">inloggen met een code per e-mail</a>', html)
    assert code_link, html
    assert urlsplit(code_link.group(1).replace("&amp;", "&")).path == REQUEST_CODE

    page = client.get(code_link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    assert "Inloggen met een code" in page.content.decode()
    response = client.post(
        code_link.group(1).replace("&amp;", "&"),
        {"email": "Fatima@Example.org", "next": "/account/"},
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == CONFIRM_CODE
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["fatima@example.org"]
    code = _code_in(mail.outbox[0])

    page = client.get(response["Location"])
    assert "Vul je code in" in page.content.decode()
    response = client.post(CONFIRM_CODE, {"code": code.lower(), "next": "/account/"})
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert int(_logged_in_as(client)) == resident.pk
    # Still, the password itself stays paused for this address.
    other = client.__class__()
    other.post(LOGIN, {"login": resident.email, "password": DEFAULT_PASSWORD})
    assert _logged_in_as(other) is None


def test_wrong_codes_let_nobody_in_and_void_the_code(client, resident):
    client.post(REQUEST_CODE, {"email": resident.email})
    code = _code_in(mail.outbox[0])
    wrong = "BBBB-CCCC" if code != "BBBB-CCCC" else "DDDD-FFFF"
    for _attempt in range(2):
        page = client.post(CONFIRM_CODE, {"code": wrong})
        assert page.status_code == 200
        assert "Ongeldige code" in page.content.decode()
        assert _logged_in_as(client) is None
    last = client.post(CONFIRM_CODE, {"code": wrong})  # the third wrong code ends it
    assert last.status_code == 302 and last["Location"] == REQUEST_CODE
    # The right code now comes too late: the log-in it belonged to is gone.
    response = client.post(CONFIRM_CODE, {"code": code})
    assert response.status_code == 302 and response["Location"] == REQUEST_CODE
    assert _logged_in_as(client) is None


def test_a_code_is_good_only_in_the_browser_that_asked_for_it(client, resident):
    client.post(REQUEST_CODE, {"email": resident.email})
    code = _code_in(mail.outbox[0])
    stranger = client.__class__()
    response = stranger.post(CONFIRM_CODE, {"code": code})
    assert response.status_code == 302 and _logged_in_as(stranger) is None


def test_codes_for_an_address_are_limited_and_say_so(client, resident):
    # Each request from a fresh browser (one browser waits on its pending code instead).
    for _ in range(3):
        fresh = client.__class__()
        assert fresh.post(REQUEST_CODE, {"email": resident.email}).status_code == 302
    page = client.post(REQUEST_CODE, {"email": resident.email})
    assert page.status_code == 200
    assert "Te veel inlogpogingen" in page.content.decode()
    assert len(mail.outbox) == 3


def test_no_code_for_an_address_without_an_active_account(client, resident):
    resident.is_active = False
    resident.save()
    for address in (resident.email, "niemand@example.org"):
        browser = client.__class__()
        response = browser.post(REQUEST_CODE, {"email": address})
        assert response.status_code == 302  # the same answer: nobody learns who has an account
        assert browser.post(CONFIRM_CODE, {"code": "BBBB-CCCC"}).status_code in {200, 302}
        assert _logged_in_as(browser) is None
    assert {tuple(message.to) for message in mail.outbox} == {
        ("fatima@example.org",),
        ("niemand@example.org",),
    }
    assert not any(_code_in_or_none(message) for message in mail.outbox)


def _code_in_or_none(message):
    match = CODE.search(message.body)
    return match and match.group(1)


def test_the_code_pages_look_like_the_other_account_pages(client):
    html = client.get(REQUEST_CODE).content.decode()
    assert '<div class="card card--narrow">' in html
    assert '<form class="form" method="post"' in html
    assert '<label for="id_email">' in html
    assert f'href="{LOGIN}"' in html
    assert f'href="{REQUEST_CODE}"' in client.get(LOGIN).content.decode()


def test_hostile_codes_get_a_dutch_answer_and_let_nobody_in(client, resident):
    from tests.portal.hostile import VALUES, echoed, english_message, errors_in

    for name, value in VALUES.items():
        cache.clear()  # the limits on asking for codes are not what this is about
        browser = client.__class__()
        assert browser.post(REQUEST_CODE, {"email": resident.email}).status_code == 302
        response = browser.post(CONFIRM_CODE, {"code": value})
        assert response.status_code == 200, name
        html = response.content.decode()
        assert echoed(html) is None, name
        errors = errors_in(html)
        assert errors, name  # refused, and said why
        assert not [error for error in errors if english_message(error)], (name, errors)
        assert _logged_in_as(browser) is None, name
    for name, value in VALUES.items():  # and as the address to send a code to
        cache.clear()
        response = client.__class__().post(REQUEST_CODE, {"email": value})
        assert response.status_code in {200, 302}, name
        assert echoed(response.content.decode()) is None, name
