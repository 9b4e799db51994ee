"""One management command and one beat entry run every retention rule of every app."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from enterprises.models import ImportBatch
from knowledge.models import ReportRequest, Subscriber
from lsa_portal import privacy, tasks
from lsa_portal.models import AuditAction, AuditEntry
from municipalities.models import Follower
from tests.factories import (
    FollowerFactory,
    InvitationFactory,
    ReportRequestFactory,
    SubscriberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
RULES = {
    "unverified-accounts",
    "expired-invitations",
    "report-requests",
    "unconfirmed-newsletter",
    "unconfirmed-digest-followers",
    "import-previews",
}


def _one_stale_item_per_rule():
    long_ago = timezone.now() - timedelta(days=400)
    UserFactory(verified=False, date_joined=long_ago)
    InvitationFactory(expires_at=long_ago)
    ReportRequestFactory(created_at=long_ago)
    SubscriberFactory(created_at=long_ago)
    follower = FollowerFactory()
    Follower.objects.filter(pk=follower.pk).update(created_at=long_ago)
    batch = ImportBatch.objects.create(file_name="oud.csv")
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=long_ago)


def test_every_app_registers_its_rules():
    assert {rule.key for rule in privacy.retention_rules()} == RULES


def test_the_command_runs_every_rule_and_logs_what_went(capsys):
    _one_stale_item_per_rule()
    call_command("apply_retention")
    out = capsys.readouterr().out
    for key in RULES:
        assert f"{key}: 1 deleted" in out
    assert not ReportRequest.objects.exists()
    assert not Subscriber.objects.exists()
    entries = AuditEntry.objects.filter(action=AuditAction.RETENTION_APPLIED)
    assert {entry.details["rule"] for entry in entries} == RULES
    assert all(entry.actor is None and entry.details["deleted"] == 1 for entry in entries)


def test_a_run_with_nothing_to_delete_logs_nothing():
    assert set(privacy.apply_retention().values()) == {0}
    assert not AuditEntry.objects.exists()


def test_the_periodic_task_runs_the_same_rules():
    _one_stale_item_per_rule()
    counts = tasks.apply_retention.delay().get()
    assert counts == dict.fromkeys(RULES, 1)


def test_one_beat_entry_runs_retention_daily(settings):
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == tasks.apply_retention.name
    ]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert schedule.hour == {3} and schedule.minute == {30}
    assert not [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if "expired" in entry["task"]
    ]


def test_a_failing_rule_does_not_stop_the_others(monkeypatch):
    _one_stale_item_per_rule()

    def broken(now):
        raise RuntimeError("table locked")

    rule = privacy._rules["expired-invitations"]
    monkeypatch.setitem(
        privacy._rules, rule.key, privacy.RetentionRule(rule.key, rule.describe, broken)
    )
    with pytest.raises(RuntimeError, match="expired-invitations"):
        privacy.apply_retention()
    assert not ReportRequest.objects.exists()
    assert not Subscriber.objects.exists()
