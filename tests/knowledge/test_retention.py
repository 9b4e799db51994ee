"""Report requests and unconfirmed newsletter sign-ups are personal data: they go after their
term (the rules run with every other app's in ``manage.py apply_retention``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from knowledge import services
from knowledge.models import ReportRequest, Subscriber
from tests.factories import ReportRequestFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def _aged(days):
    return ReportRequestFactory(created_at=timezone.now() - timedelta(days=days))


def test_requests_older_than_the_retention_period_are_deleted(settings):
    settings.KNOWLEDGE_REQUEST_RETENTION_DAYS = 365
    old, recent = _aged(366), _aged(364)
    assert services.delete_expired_requests() == 1
    assert list(ReportRequest.objects.all()) == [recent]
    assert not ReportRequest.objects.filter(pk=old.pk).exists()


def test_the_retention_period_of_requests_is_a_setting(settings):
    settings.KNOWLEDGE_REQUEST_RETENTION_DAYS = 30
    _aged(31)
    _aged(1)
    assert services.delete_expired_requests() == 1
    assert ReportRequest.objects.count() == 1


def test_unconfirmed_subscriptions_go_after_seven_days():
    now = timezone.now()
    stale = SubscriberFactory(created_at=now - timedelta(days=services.CONFIRM_DAYS, minutes=1))
    fresh = SubscriberFactory(created_at=now - timedelta(days=services.CONFIRM_DAYS - 1))
    confirmed = SubscriberFactory(
        created_at=now - timedelta(days=400),
        confirmed_at=now - timedelta(days=399),
    )
    assert services.delete_unconfirmed_subscribers(now) == 1
    assert set(Subscriber.objects.all()) == {fresh, confirmed}
    assert stale.email not in Subscriber.objects.values_list("email", flat=True)
