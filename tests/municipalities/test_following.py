"""Following a municipality's digest goes through its services: each change of a person's
subscription is in the audit log (numbers, never the address), a second click changes nothing,
and the links in mails sent before the links were signed keep working."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lsa_portal.models import AuditAction, AuditEntry
from municipalities import services
from municipalities.models import Follower
from tests.factories import FollowerFactory, MunicipalityFactory, MunicipalOfficerFactory

pytestmark = pytest.mark.django_db

ADDRESS = "buur-geheim@example.org"


@pytest.fixture
def town():
    return MunicipalityFactory(name="Volgstad", slug="volgstad")


def _entries(action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def _assert_no_address(entry: AuditEntry) -> None:
    assert "@" not in f"{entry.details} {entry.target_label}"


def test_following_by_email_confirming_and_unfollowing_are_in_the_audit_log(
    town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        follower = services.follow_by_email(ADDRESS, town, by=None)
    assert len(mail.outbox) == 1
    [followed] = _entries(AuditAction.DIGEST_FOLLOWED)
    assert followed.details == {"follower": follower.pk, "channel": "email"}
    assert followed.target_label == "Volgstad" and followed.actor is None

    token = services.FOLLOWERS.confirm_token(follower)
    assert services.confirm_follow(token, by=None) == follower
    assert services.confirm_follow(token, by=None) == follower  # a second click: no new entry
    [confirmed] = _entries(AuditAction.DIGEST_CONFIRMED)
    assert confirmed.details == {"follower": follower.pk}

    unsubscribe = services.FOLLOWERS.unsubscribe_token(follower)
    assert services.unfollow(unsubscribe, by=None) == town
    assert services.unfollow(unsubscribe, by=None) is None  # gone already: nothing more
    [unfollowed] = _entries(AuditAction.DIGEST_UNFOLLOWED)
    assert unfollowed.details == {"follower": follower.pk}
    assert not Follower.objects.exists()
    for entry in (followed, confirmed, unfollowed):
        _assert_no_address(entry)


def test_following_again_by_email_writes_nothing(town):
    services.follow_by_email(ADDRESS, town, by=None)
    assert services.follow_by_email(ADDRESS.upper(), town, by=None) is None
    assert len(_entries(AuditAction.DIGEST_FOLLOWED)) == 1
    assert Follower.objects.count() == 1


def test_an_officer_follows_confirmed_at_once_and_once_only(town):
    officer = MunicipalOfficerFactory()
    AuditEntry.objects.all().delete()  # making the officer may itself be logged
    follower = services.follow_as_officer(town, by=officer)
    assert follower.confirmed_at is not None and follower.user == officer
    assert services.follow_as_officer(town, by=officer) == follower
    [entry] = _entries(AuditAction.DIGEST_FOLLOWED)
    assert entry.actor == officer
    assert entry.details == {"follower": follower.pk, "channel": "account"}
    _assert_no_address(entry)


def test_a_link_from_a_mail_sent_before_signed_links_still_works(client, town):
    """A digest sent before carried the stored random token; it unsubscribes still."""
    old = FollowerFactory(
        municipality=town, legacy_token="oud-token-1", confirmed_at=timezone.now()
    )
    assert client.get("/gemeenten/volgen/afmelden/oud-token-1/").status_code == 200
    assert client.post("/gemeenten/volgen/afmelden/oud-token-1/").status_code == 200
    assert not Follower.objects.filter(pk=old.pk).exists()


def test_an_old_confirmation_link_works_within_the_days_and_not_after(client, town):
    recent = FollowerFactory(municipality=town, legacy_token="oud-token-2")
    stale = FollowerFactory(municipality=town, legacy_token="oud-token-3")
    Follower.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(days=services.CONFIRM_DAYS + 1)
    )
    assert client.post("/gemeenten/volgen/bevestigen/oud-token-2/").status_code == 200
    assert client.post("/gemeenten/volgen/bevestigen/oud-token-3/").status_code == 404
    recent.refresh_from_db()
    stale.refresh_from_db()
    assert recent.confirmed_at is not None and stale.confirmed_at is None


def test_a_tampered_link_finds_nobody(client, town):
    follower = FollowerFactory(municipality=town, confirmed_at=timezone.now())
    token = services.FOLLOWERS.unsubscribe_token(follower)
    forged = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    assert client.post(f"/gemeenten/volgen/afmelden/{forged}/").status_code == 200  # as before
    assert Follower.objects.filter(pk=follower.pk).exists()
    assert not _entries(AuditAction.DIGEST_UNFOLLOWED)
    confirm = services.FOLLOWERS.confirm_token(FollowerFactory(municipality=town))
    assert client.post(f"/gemeenten/volgen/bevestigen/{confirm[:-3]}xyz/").status_code == 404
