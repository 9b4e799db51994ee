"""The advice offer: a page for municipalities and a request that lands in the staff inbox."""

import pytest
from django.core import mail
from django.urls import reverse

from enterprises.models import Municipality
from knowledge.models import AdviceRequest
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

ADVICE = reverse("knowledge:advice")


def test_advice_page_describes_the_offer(client):
    html = client.get(ADVICE).content.decode()
    for words in ("Right to Challenge", "Omgevingswet", "Maatschappelijk aanbesteden", "Workshop"):
        assert words in html


def test_advice_request_lands_in_the_staff_inbox_and_mails_staff(client, post):
    staff = StaffFactory()
    municipality = Municipality.objects.first()
    response = post(
        ADVICE,
        {
            "name": "Pim Fictief",
            "email": "pim@example.org",
            "organisation": "Gemeente Fictief",
            "municipality": municipality.pk,
            "topic": "workshop",
            "message": "Graag een workshop voor ons team.",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    assert "Aanvraag ontvangen" in client.get(response["Location"]).content.decode()
    advice = AdviceRequest.objects.get()
    assert advice.municipality == municipality and not advice.handled
    assert mail.outbox[0].to == [staff.email]
    assert "Gemeente Fictief" in mail.outbox[0].subject

    client.force_login(staff)
    inbox = client.get(reverse("admin:knowledge_advicerequest_changelist")).content.decode()
    assert "Gemeente Fictief" in inbox


def test_advice_request_goes_to_the_configured_inbox(client, post, settings):
    settings.KNOWLEDGE_STAFF_INBOX = ["advies@example.org"]
    post(
        ADVICE,
        {
            "name": "Pim",
            "email": "pim@example.org",
            "organisation": "Org",
            "topic": "beleidsadvies",
            "message": "Vraag",
            "consent": "on",
        },
    )
    assert mail.outbox[0].to == ["advies@example.org"]


def test_advice_request_without_consent_is_explained(client):
    response = client.post(ADVICE, {"name": "Pim", "email": "pim@example.org"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vink het vakje aan" in html
    assert not AdviceRequest.objects.exists()
