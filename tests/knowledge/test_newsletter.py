"""The newsletter: double opt-in, one-click unsubscribe from every mail, staff export."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from knowledge import services
from knowledge.models import Subscriber
from tests.factories import StaffFactory, SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db

NEWSLETTER = reverse("knowledge:newsletter")


def _link(body: str, part: str) -> str:
    found = re.search(rf"https?://[^/\s]+(/kennisbank/nieuwsbrief/{part}/\S+/)", body)
    assert found is not None, body
    return found.group(1)


def test_subscribing_sends_a_confirmation_and_does_not_subscribe_yet(client, post):
    response = post(NEWSLETTER, {"email": "Lezer@Example.org", "name": "Lezer"})
    assert response.status_code == 302
    assert "Bevestig je aanmelding" in client.get(response["Location"]).content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "lezer@example.org" and not subscriber.confirmed
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lezer@example.org"]
    assert "/kennisbank/nieuwsbrief/bevestigen/" in mail.outbox[0].body


def test_confirming_takes_a_click_on_a_button_then_subscribes(client, post):
    post(NEWSLETTER, {"email": "lezer@example.org"})
    link = _link(mail.outbox[0].body, "bevestigen")
    page = client.get(link)
    assert page.status_code == 200 and "Bevestigen" in page.content.decode()
    assert not Subscriber.objects.get().confirmed  # a mail scanner following the link does nothing
    response = post(link)
    assert "Je bent aangemeld" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed and subscriber.confirmed_at
    assert len(mail.outbox) == 2  # the welcome mail


def test_expired_confirmation_link_is_refused(client):
    subscriber = SubscriberFactory()
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 8 * 86400):
        token = services.confirm_token(subscriber)
    response = client.post(reverse("knowledge:newsletter_confirm", args=[token]))
    assert response.status_code == 410
    assert "Deze link is verlopen" in response.content.decode()
    subscriber.refresh_from_db()
    assert not subscriber.confirmed


def test_tampered_confirmation_link_is_refused(client):
    subscriber = SubscriberFactory()
    token = services.confirm_token(subscriber)
    other = SubscriberFactory()
    forged = f"{other.pk}:{token.split(':', 1)[1]}"
    response = client.post(reverse("knowledge:newsletter_confirm", args=[forged]))
    assert response.status_code == 400
    assert not Subscriber.objects.filter(confirmed_at__isnull=False).exists()


def test_every_mail_has_a_one_click_unsubscribe(client, post):
    post(NEWSLETTER, {"email": "lezer@example.org"})
    post(_link(mail.outbox[0].body, "bevestigen"))
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "/kennisbank/nieuwsbrief/afmelden/" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/kennisbank/nieuwsbrief/afmelden/" in message.extra_headers["List-Unsubscribe"]
    link = _link(mail.outbox[-1].body, "afmelden")
    assert "Afmelden" in client.get(link).content.decode()
    # The mail program's one-click button posts without a CSRF token.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Je bent afgemeld" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert client.get(link).status_code == 200  # an old link stays friendly


def test_tampered_unsubscribe_link_is_refused(client):
    subscriber = SubscriberFactory(confirmed_at="2025-01-01T00:00Z")
    token = services.unsubscribe_token(subscriber)
    response = client.post(reverse("knowledge:newsletter_unsubscribe", args=[token[:-3] + "xyz"]))
    assert response.status_code == 400
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_subscribing_an_address_twice_tells_nobody_it_is_subscribed(client, post):
    SubscriberFactory(email="al@example.org", confirmed_at="2025-01-01T00:00Z")
    response = post(NEWSLETTER, {"email": "al@example.org"})
    assert response.status_code == 302
    assert not mail.outbox
    assert Subscriber.objects.count() == 1


def test_invalid_address_is_explained_in_dutch(client):
    response = client.post(NEWSLETTER, {"email": "geen adres"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    ("user_factory", "expected"), [(None, 302), (UserFactory, 403), (StaffFactory, 200)]
)
def test_staff_export_only_confirmed_subscribers(client, user_factory, expected):
    SubscriberFactory(email="ja@example.org", confirmed_at="2025-01-01T00:00Z")
    SubscriberFactory(email="nog-niet@example.org")
    if user_factory:
        client.force_login(user_factory())
    response = client.get(reverse("knowledge:export_subscribers"))
    assert response.status_code == expected
    if expected == 200:
        text = response.content.decode("utf-8-sig")
        assert "ja@example.org" in text and "nog-niet@example.org" not in text
        assert "/kennisbank/nieuwsbrief/afmelden/" in text
