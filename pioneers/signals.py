"""Keep the cached fragments of the programme's pages honest: any change to what they show
makes a new cache version (see selectors.FRAGMENTS and lsa_portal/fragment_cache.py)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from enterprises.models import Enterprise, Membership
from enterprises.signals import enterprises_changed_in_bulk

from .selectors import bump_version

SHOWN = {Enterprise, Membership}


@receiver(post_save)
@receiver(post_delete)
@receiver(enterprises_changed_in_bulk)
def _model_changed(sender, **kwargs):
    if sender in SHOWN or sender._meta.app_label == "pioneers":
        bump_version()
    elif sender is get_user_model() and not _only_last_login(kwargs.get("update_fields")):
        # Readings and log entries show who made them; a log-in alone changes nothing shown.
        bump_version()


def _only_last_login(update_fields) -> bool:
    return update_fields is not None and set(update_fields) <= {"last_login"}


@receiver(m2m_changed)
def _relation_changed(sender, **kwargs):
    if sender._meta.app_label == "pioneers" and kwargs.get("action", "").startswith("post_"):
        bump_version()
