"""Sign-up by e-mail, mandatory verification, log-in, password reset, rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def _link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_sends_a_dutch_verification_mail_and_blocks_login_until_verified(client, password):
    response = client.post(
        reverse("account_signup"),
        {"email": "nieuw@example.org", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nieuw@example.org"]
    assert "Bevestig" in mail.outbox[0].subject

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "nieuw@example.org", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verification_link_confirms_and_then_login_works(client, password):
    client.post(
        reverse("account_signup"),
        {"email": "nieuw@example.org", "password1": password, "password2": password},
    )
    confirm_path = _link_in(mail.outbox[0])
    page = client.get(confirm_path)
    assert page.status_code == 200
    client.post(confirm_path)
    assert EmailAddress.objects.get(email="nieuw@example.org").verified

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "nieuw@example.org", "password": password}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="nieuw@example.org").pk


def test_signup_rejects_bad_input_with_dutch_messages(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "geen-adres", "password1": "kort", "password2": "anders"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voer een geldig e-mailadres in." in html
    assert 'aria-invalid="true"' in html
    assert 'value="geen-adres"' in html  # nothing typed is lost
    assert not User.objects.exists()


def test_signup_with_an_existing_address_does_not_create_a_second_account(client, password):
    UserFactory(email="bestaand@example.org")
    client.post(
        reverse("account_signup"),
        {"email": "Bestaand@example.org", "password1": password, "password2": password},
    )
    assert User.objects.filter(email__iexact="bestaand@example.org").count() == 1


def test_wrong_password_is_refused_and_repeated_failures_are_rate_limited(client):
    UserFactory(email="doelwit@example.org")
    pages = [
        client.post(
            reverse("account_login"),
            {"login": "doelwit@example.org", "password": "fout-wachtwoord"},
        ).content.decode()
        for _ in range(7)
    ]
    assert "niet correct" in pages[0]
    assert "inloggen met een wachtwoord staat een paar minuten stil" in pages[-1]
    # Once limited, even the right password is refused for a while.
    client.post(
        reverse("account_login"),
        {"login": "doelwit@example.org", "password": "Een-lang-wachtwoord-42"},
    )
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="vergeten@example.org")
    client.post(reverse("account_reset_password"), {"email": "vergeten@example.org"})
    assert len(mail.outbox) == 1
    path = _link_in(mail.outbox[0])
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    new = "Nog-een-lang-wachtwoord-7"
    client.post(form_path, {"password1": new, "password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


def test_logout_ends_the_session(client):
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_signup_mail_greets_with_the_portal_name_and_address(client, password, settings):
    """Not with the host the request came in on (a proxy's or a development server's)."""
    settings.PORTAL_BASE_URL = "https://portaal.example.org"
    client.post(
        reverse("account_signup"),
        {"email": "nieuw@example.org", "password1": password, "password2": password},
        HTTP_HOST="127.0.0.1",
    )
    body = mail.outbox[0].body
    assert body.startswith("Hallo van Wijkondernemingen!")
    assert "Bedankt voor het gebruiken van Wijkondernemingen!\nportaal.example.org" in body
    assert "Hallo van 127.0.0.1" not in body and "testserver" not in body


@pytest.mark.parametrize(
    "url",
    [
        reverse("account_email_verification_sent"),
        reverse("knowledge:newsletter_sent"),
    ],
)
def test_pages_that_expect_a_mail_name_the_real_mail_folder(client, settings, tmp_path, url):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "post"
    html = client.get(url).content.decode()
    assert f"{tmp_path / 'post'}/" in html
    assert "var/mail" not in html

    settings.EMAIL_FILE_PATH = settings.BASE_DIR / "var" / "mail"
    assert "de map var/mail/" in client.get(url).content.decode()

    settings.PRODUCTION = True  # never in production, whatever the backend
    assert "var/mail" not in client.get(url).content.decode()
    settings.PRODUCTION = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "var/mail" not in client.get(url).content.decode()
