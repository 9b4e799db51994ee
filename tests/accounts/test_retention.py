"""Accounts that never verified their address are removed after 14 days."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def _joined(days_ago, **fields):
    return UserFactory(date_joined=timezone.now() - timedelta(days=days_ago), **fields)


def test_unverified_accounts_go_after_fourteen_days():
    now = timezone.now()
    stale = _joined(15, verified=False)
    recent = _joined(13, verified=False)
    verified = _joined(400)
    assert services.delete_unverified_accounts(now) == 1
    assert set(User.objects.all()) == {recent, verified}
    assert not EmailAddress.objects.filter(email=stale.email).exists()


def test_accounts_that_were_used_or_made_by_hand_stay():
    used = _joined(30, verified=False, last_login=timezone.now() - timedelta(days=20))
    staff = _joined(30, verified=False, is_staff=True)
    superuser = _joined(30, verified=False, is_superuser=True)
    without_any_address = User.objects.create_user("beheer@example.org", "x")
    User.objects.filter(pk=without_any_address.pk).update(is_superuser=True)
    assert services.delete_unverified_accounts() == 0
    assert User.objects.count() == 4
    assert {used, staff, superuser} <= set(User.objects.all())
