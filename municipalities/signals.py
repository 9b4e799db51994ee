"""Keep the cached municipality pages in step with the state of their briefs (brief.py bumps
the version itself where it changes a job with ``update()``, which sends no signal)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lsa_portal import fragment_cache

from .models import BriefJob
from .selectors import BRIEF_FRAGMENTS


@receiver(post_save, sender=BriefJob)
@receiver(post_delete, sender=BriefJob)
def _brief_changed(sender, **kwargs):
    fragment_cache.bump(BRIEF_FRAGMENTS)
