"""The monthly digest, with the clock frozen: what changed last month, and nothing otherwise."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from municipalities import digest, services
from municipalities.models import Follower
from pioneers.models import MilestoneStatus
from tests.factories import (
    EnterpriseFactory,
    MilestoneFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    PioneerFactory,
    ReportFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

MARCH = datetime(2026, 3, 12, 10, tzinfo=UTC)
APRIL_FIRST = datetime(2026, 4, 1, 7, tzinfo=UTC)
MAY_FIRST = datetime(2026, 5, 1, 7, tzinfo=UTC)


@pytest.fixture
def town():
    return MunicipalityFactory(name="Volgstad", slug="volgstad")


@pytest.fixture
def follower(town):
    return services.follow_as_officer(town, by=MunicipalOfficerFactory())


def test_march_changes_reach_the_follower_on_the_first_of_april(town, follower):
    with time_machine.travel(MARCH, tick=False):
        enterprise = EnterpriseFactory(municipality=town, name="Nieuw Buurtbedrijf")
        YearFiguresFactory(enterprise=enterprise, year=2025)
        pioneer = PioneerFactory(enterprise=enterprise, show_on_programme_page=True)
        MilestoneFactory(
            pioneer=pioneer,
            title="Buurthuis gekocht",
            status=MilestoneStatus.ACHIEVED,
            achieved_on=date(2026, 3, 10),
        )
        ReportFactory(title="Rapport voor Volgstad", commissioning_municipality=town)
    with time_machine.travel(APRIL_FIRST, tick=False):
        assert digest.send_digests() == 1
        assert digest.send_digests() == 0  # a second run sends March again to nobody
    message = mail.outbox[-1]
    assert message.to == [follower.email]
    for text in ("Nieuw Buurtbedrijf", "2025", "Buurthuis gekocht", "Rapport voor Volgstad"):
        assert text in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{services.unfollow_url(follower)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_month_without_changes_sends_nothing(town, follower):
    with time_machine.travel(MARCH, tick=False):
        EnterpriseFactory(municipality=town)
    with time_machine.travel(MAY_FIRST, tick=False):  # April: nothing happened
        assert digest.send_digests() == 0
    assert mail.outbox == []


def test_changes_elsewhere_do_not_count(town, follower):
    with time_machine.travel(MARCH, tick=False):
        EnterpriseFactory()  # another municipality
        EnterpriseFactory(municipality=town, status="concept", published_at=None)
    with time_machine.travel(APRIL_FIRST, tick=False):
        assert digest.send_digests() == 0


def test_email_follower_needs_to_confirm_first(client, town, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/gemeenten/volgstad/volgen/", {"email": "Buur@Example.org"})
    follower = Follower.objects.get()
    assert follower.email == "buur@example.org" and follower.confirmed_at is None
    link = re.search(r"https?://[^/\s]+(/gemeenten/volgen/bevestigen/\S+/)", mail.outbox[-1].body)[
        1
    ]
    with time_machine.travel(MARCH, tick=False):
        EnterpriseFactory(municipality=town)
    with time_machine.travel(APRIL_FIRST, tick=False):
        assert digest.send_digests() == 0  # not confirmed: nothing
    page = client.get(link)
    assert page.status_code == 200 and "Bevestig" in page.content.decode()
    follower.refresh_from_db()
    assert follower.confirmed_at is None  # opening the link (or a mail scanner) confirms nothing
    assert client.post(link).status_code == 200
    follower.refresh_from_db()
    assert follower.confirmed_at is not None
    with time_machine.travel(APRIL_FIRST, tick=False):
        assert digest.send_digests() == 1


def test_following_again_reveals_nothing_and_sends_no_second_mail(
    client, town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/gemeenten/volgstad/volgen/", {"email": "a@example.org"}, follow=True)
        second = client.post("/gemeenten/volgstad/volgen/", {"email": "a@example.org"}, follow=True)
    assert len(mail.outbox) == 1
    assert first.status_code == second.status_code == 200


@pytest.mark.parametrize("email", ["", "geen-adres", "x" * 300 + "@example.org"])
def test_invalid_address_gives_a_message_not_an_error(client, town, email):
    response = client.post("/gemeenten/volgstad/volgen/", {"email": email}, follow=True)
    assert response.status_code == 200
    assert not Follower.objects.exists()


def test_one_click_unsubscribe(client, town, follower):
    token = services.FOLLOWERS.unsubscribe_token(follower)
    assert client.get(f"/gemeenten/volgen/afmelden/{token}/").status_code == 200
    assert Follower.objects.exists()  # looking at the page (or a link scanner) changes nothing
    response = client.post(f"/gemeenten/volgen/afmelden/{token}/")
    assert response.status_code == 200
    assert not Follower.objects.exists()


def test_unknown_confirmation_token_is_not_found(client):
    assert client.get("/gemeenten/volgen/bevestigen/onzin/").status_code == 404
    assert client.post("/gemeenten/volgen/bevestigen/onzin/").status_code == 404
