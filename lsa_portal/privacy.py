"""The register of personal data and of retention rules. Knows no app.

Each app says in its own ``privacy.py`` (found at start-up, like ``admin.py``) what it keeps
about a person and how long it keeps what:

- ``register_section(key, export=..., erase=..., blockers=...)``: ``export(user, addresses)``
  returns the JSON-ready part of a person's data download; ``erase(user, addresses)`` removes or
  anonymises it just before the account itself is deleted; ``blockers(user)`` lists what must
  happen first (a last owner hands over). ``addresses`` are the person's verified e-mail
  addresses, lower case: data given without an account (a newsletter sign-up) is found by them.
- ``register_retention(key, describe, apply)``: ``apply(now)`` deletes what is past its term
  and returns how many records went; ``describe()`` is its sentence in the privacy statement.

``apply_retention()`` runs every rule (celery beat, and ``manage.py apply_retention`` for cron).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Blocker:
    """Something that must be done before an account can be deleted, with where to do it."""

    message: str
    links: tuple[tuple[str, str], ...] = ()  # (label, url)


@dataclass(frozen=True)
class Section:
    key: str
    export: Callable[[Any, frozenset[str]], Any]
    erase: Callable[[Any, frozenset[str]], None] | None = None
    # blockers(user, lock=...): with lock=True (inside the deletion's transaction) the rows the
    # answer rests on stay locked until the deletion commits.
    blockers: Callable[..., Sequence[Blocker]] | None = None


@dataclass(frozen=True)
class RetentionRule:
    key: str
    describe: Callable[[], str]  # the sentence in the privacy statement, in the page's language
    apply: Callable[[datetime], int] = field(compare=False)

    @property
    def description(self) -> str:
        return self.describe()


_sections: dict[str, Section] = {}
_rules: dict[str, RetentionRule] = {}


def register_section(key: str, *, export, erase=None, blockers=None) -> None:
    """Add (or replace, on re-import) a part of the personal-data download and deletion."""
    _sections[key] = Section(key, export, erase, blockers)


def register_retention(
    key: str, describe: Callable[[], str], apply: Callable[[datetime], int]
) -> None:
    """Add (or replace) a retention rule; ``describe()`` says it in one translated sentence."""
    _rules[key] = RetentionRule(key, describe, apply)


def sections() -> list[Section]:
    """Every registered section, in the order of INSTALLED_APPS."""
    return list(_sections.values())


def retention_rules() -> list[RetentionRule]:
    return list(_rules.values())


def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """Run every retention rule, each in its own transaction with its audit entry; a rule that
    fails does not stop the others, but the run then ends with an error naming it."""
    from . import audit

    now = now or timezone.now()
    counts: dict[str, int] = {}
    failed: list[str] = []
    for rule in retention_rules():
        try:
            with transaction.atomic():
                counts[rule.key] = deleted = rule.apply(now)
                if deleted:
                    audit.record(
                        None, audit.Action.RETENTION_APPLIED, None, rule=rule.key, deleted=deleted
                    )
        except Exception:
            logger.exception("Retention rule %s failed", rule.key)
            failed.append(rule.key)
    if failed:
        raise RuntimeError(f"retention rules failed: {', '.join(failed)}")
    return counts
