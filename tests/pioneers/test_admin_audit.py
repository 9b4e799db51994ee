"""The Django admin saves and deletes a track's records itself; each change still gets its
audit entry, by the staff member in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lsa_portal.models import AuditAction, AuditEntry
from pioneers.models import LogEntry
from tests.factories import LessonFactory, LogEntryFactory

pytestmark = pytest.mark.django_db


def _entries():
    return list(AuditEntry.objects.order_by("pk").values_list("action", "actor", "target_id"))


def test_a_log_entry_changed_and_deleted_in_the_admin_is_audited(admin_client):
    admin = get_user_model().objects.get(is_superuser=True)
    entry = LogEntryFactory()
    url = reverse("admin:pioneers_logentry_change", args=[entry.pk])
    data = {
        "pioneer": entry.pioneer_id,
        "kind": entry.kind,
        "date": entry.date.isoformat(),
        "text": "Verslag, bijgewerkt",
        "visibility": entry.visibility,
    }
    assert admin_client.post(url, data).status_code == 302
    [changed] = AuditEntry.objects.all()
    assert (changed.action, changed.actor, changed.target_id) == (
        AuditAction.LOG_ENTRY_CHANGED,
        admin,
        str(entry.pk),
    )
    assert changed.details == {"pioneer": entry.pioneer_id, "fields": ["text"], "in_admin": True}

    delete = reverse("admin:pioneers_logentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not LogEntry.objects.exists()
    assert _entries()[-1] == (AuditAction.LOG_ENTRY_REMOVED, admin.pk, str(entry.pk))


def test_lessons_deleted_in_bulk_in_the_admin_are_audited_one_by_one(admin_client):
    lessons = LessonFactory.create_batch(2)
    selected = {
        "action": "delete_selected",
        "_selected_action": [lesson.pk for lesson in lessons],
        "post": "yes",
    }
    assert admin_client.post(reverse("admin:pioneers_lesson_changelist"), selected).status_code
    assert sorted(target for _action, _actor, target in _entries()) == sorted(
        str(lesson.pk) for lesson in lessons
    )
    assert {action for action, _actor, _target in _entries()} == {AuditAction.LESSON_REMOVED}
