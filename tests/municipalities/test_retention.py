"""Sign-ups for a municipality's monthly digest that were never confirmed go after 7 days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from municipalities import digest
from municipalities.models import Follower
from tests.factories import FollowerFactory

pytestmark = pytest.mark.django_db


def _created(follower, days_ago):
    Follower.objects.filter(pk=follower.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return follower


def test_unconfirmed_followers_go_after_seven_days():
    stale = _created(FollowerFactory(), digest.CONFIRM_DAYS + 1)
    fresh = _created(FollowerFactory(), digest.CONFIRM_DAYS - 1)
    confirmed = _created(FollowerFactory(confirmed_at=timezone.now()), 300)

    assert digest.delete_unconfirmed_followers() == 1

    assert set(Follower.objects.all()) == {fresh, confirmed}
    assert digest.confirm(stale.token) is None  # the old confirmation link leads nowhere
