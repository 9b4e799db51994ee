"""Sign-ups for a municipality's monthly digest that were never confirmed go after 7 days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from municipalities import services
from municipalities.models import Follower
from tests.factories import FollowerFactory

pytestmark = pytest.mark.django_db


def _created(follower, days_ago):
    Follower.objects.filter(pk=follower.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return follower


def test_unconfirmed_followers_go_after_seven_days():
    stale = _created(FollowerFactory(), services.CONFIRM_DAYS + 1)
    fresh = _created(FollowerFactory(), services.CONFIRM_DAYS - 1)
    confirmed = _created(FollowerFactory(confirmed_at=timezone.now()), 300)

    stale_link = services.FOLLOWERS.confirm_token(stale)
    assert services.delete_unconfirmed_followers() == 1

    assert set(Follower.objects.all()) == {fresh, confirmed}
    # the old confirmation link leads nowhere
    assert services.confirm_follow(stale_link, by=None) is None
