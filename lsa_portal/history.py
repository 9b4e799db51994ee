"""Who made a change, as django-simple-history records it.

simple_history names the author of a history record from the instance's ``_history_user``
attribute when it is set, and otherwise from the request (its middleware). Services set it
explicitly through ``changed_by`` so that a save outside a request (a task, the import, a
retention run) is attributed too, and the attribute is set in one typed place.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

Instance = TypeVar("Instance", bound=models.Model)


def changed_by(instance: Instance, user: AbstractBaseUser | None) -> Instance:
    """Name ``user`` (``None``: nobody, e.g. the system or a deleted account) as the author of
    the history record that the next save or delete of ``instance`` writes; returns it."""
    # simple_history reads an attribute that the models do not declare.
    cast(Any, instance)._history_user = user
    return instance
