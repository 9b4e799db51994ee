"""The audit log of sensitive actions: ``record(actor, action, target, **details)``.

Call it from the service that performs the action, inside the same transaction, so that an
action that is rolled back leaves no entry and a recorded action cannot be lost. Details hold
numbers and codes, not names or addresses: the log must not become a second copy of personal
data that a deleted account would leave behind.

Entries are kept for ``AUDIT_RETENTION_DAYS`` (two years by default) and then deleted by the
nightly retention run (``purge_expired``, registered in ``apps.py`` beside every app's rules).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import ngettext

from .models import AuditAction, AuditEntry

Action = AuditAction

__all__ = ["Action", "AuditEntry", "purge_expired", "record", "retention_text", "target_label"]


def target_label(target: models.Model) -> str:
    """What the entry shows of its object: its name, but never the name of a person."""
    if isinstance(target, AbstractBaseUser):
        return f"#{target.pk}"
    return str(target)[:200]


def _json_safe(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(actor, action: AuditAction | str, target: models.Model | None = None, **details):
    """Write one audit entry. ``actor`` may be a user, an anonymous user or None (the system);
    ``target`` the object the action was about (or None when it concerns no single object)."""
    action = AuditAction(action)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        actor=actor,
        actor_number=actor.pk if actor is not None else None,
        action=action,
        details=_json_safe(details),
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        entry.target_label = target_label(target)
    entry.save()
    return entry


def purge_expired(now: datetime) -> int:
    """Retention: delete the entries older than ``AUDIT_RETENTION_DAYS``; returns how many."""
    days = settings.AUDIT_RETENTION_DAYS
    if days < 1:  # the system check refuses this too: never empty the whole log by mistake
        raise ValueError(f"AUDIT_RETENTION_DAYS must be at least 1, not {days}")
    deleted, _detail = AuditEntry.objects.filter(created_at__lt=now - timedelta(days=days)).delete()
    return deleted


def retention_text() -> str:
    """The audit log's line in the privacy statement: how long, and why."""
    days = settings.AUDIT_RETENTION_DAYS
    return ngettext(
        "Entries in the audit log are deleted after %(days)d day: long enough to account for a "
        "decision, a change of roles or a deletion when someone asks about it afterwards (a "
        "programme year and the time to object to it), and no longer.",
        "Entries in the audit log are deleted after %(days)d days: long enough to account for a "
        "decision, a change of roles or a deletion when someone asks about it afterwards (a "
        "programme year and the time to object to it), and no longer.",
        days,
    ) % {"days": days}
