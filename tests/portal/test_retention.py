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
    "audit-log",
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
    AuditEntry.objects.create(
        action=AuditAction.DATA_EXPORTED, created_at=timezone.now() - timedelta(days=800)
    )


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
    assert not AuditEntry.objects.filter(action=AuditAction.DATA_EXPORTED).exists()
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


def test_audit_entries_are_kept_for_the_configured_term_and_then_deleted(settings):
    settings.AUDIT_RETENTION_DAYS = 730
    now = timezone.now()
    kept = AuditEntry.objects.create(
        action=AuditAction.ROLES_CHANGED, created_at=now - timedelta(days=729)
    )
    AuditEntry.objects.create(
        action=AuditAction.ROLES_CHANGED, created_at=now - timedelta(days=731)
    )
    assert privacy.apply_retention(now)["audit-log"] == 1
    assert list(AuditEntry.objects.filter(action=AuditAction.ROLES_CHANGED)) == [kept]
    # The run itself is in the log, and stays there for its own term.
    run = AuditEntry.objects.get(action=AuditAction.RETENTION_APPLIED)
    assert run.details == {"rule": "audit-log", "deleted": 1}

    settings.AUDIT_RETENTION_DAYS = 30
    assert privacy.apply_retention(now)["audit-log"] == 1
    assert AuditEntry.objects.filter(action=AuditAction.ROLES_CHANGED).count() == 0


def test_a_retention_of_zero_days_never_empties_the_audit_log(settings):
    from django.core import checks

    settings.AUDIT_RETENTION_DAYS = 0
    entry = AuditEntry.objects.create(action=AuditAction.ROLES_CHANGED)
    assert "lsa_portal.E003" in {message.id for message in checks.run_checks()}
    with pytest.raises(RuntimeError, match="audit-log"):
        privacy.apply_retention()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
