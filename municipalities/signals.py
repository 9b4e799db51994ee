"""Keep the cached municipality pages honest about whether a municipality has a brief: a job
is made (or deleted) through the ORM, which sends these signals. Its state changes are not
followed here: the page reads the latest job's state on every request."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lsa_portal import fragment_cache

from .models import BriefJob
from .selectors import BRIEF_FRAGMENTS


@receiver(post_save, sender=BriefJob)
def _brief_made(sender, created=False, **kwargs):
    if created:
        fragment_cache.bump(BRIEF_FRAGMENTS)


@receiver(post_delete, sender=BriefJob)
def _brief_deleted(sender, **kwargs):
    fragment_cache.bump(BRIEF_FRAGMENTS)
