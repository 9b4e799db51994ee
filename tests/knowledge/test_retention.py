"""Report requests are personal data: they go after the retention period."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from knowledge import services, tasks
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


def test_the_periodic_task_deletes_expired_requests(settings):
    settings.KNOWLEDGE_REQUEST_RETENTION_DAYS = 30
    _aged(31)
    _aged(1)
    assert tasks.delete_expired_requests.delay().get() == 1
    assert ReportRequest.objects.count() == 1


def test_the_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["knowledge-delete-expired-requests"]
    assert entry["task"] == tasks.delete_expired_requests.name
    assert entry["schedule"] == 24 * 60 * 60


def test_the_management_command_deletes_expired_requests(settings, capsys):
    settings.KNOWLEDGE_REQUEST_RETENTION_DAYS = 10
    _aged(11)
    call_command("delete_expired_requests")
    assert not ReportRequest.objects.exists()
    assert "Deleted 1" in capsys.readouterr().out


def test_unconfirmed_subscriptions_do_not_linger():
    stale = SubscriberFactory(created_at=timezone.now() - timedelta(days=30))
    fresh = SubscriberFactory()
    confirmed = SubscriberFactory(
        confirmed=True,
        created_at=timezone.now() - timedelta(days=400),
        confirmed_at=timezone.now() - timedelta(days=399),
    )
    services.delete_expired_requests()
    assert set(Subscriber.objects.all()) == {fresh, confirmed}
    assert stale.email not in Subscriber.objects.values_list("email", flat=True)
