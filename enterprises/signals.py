"""Keep the directory's cache honest: any change to what it shows makes a new cache version.
The same version keys what is built on the enterprises' data elsewhere (a municipality's page,
the national medians), so assets count too."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from lsa_portal import fragment_cache

from .models import Asset, Enterprise, Municipality, Theme, YearFigures
from .selectors import DIRECTORY_FRAGMENTS

SHOWN_IN_DIRECTORY = (Enterprise, Municipality, Theme, YearFigures, Asset)


@receiver(post_save)
@receiver(post_delete)
def _model_changed(sender, **kwargs):
    if sender in SHOWN_IN_DIRECTORY:
        fragment_cache.bump(DIRECTORY_FRAGMENTS)


@receiver(m2m_changed, sender=Enterprise.themes.through)
def _themes_changed(sender, **kwargs):
    if kwargs.get("action", "").startswith("post_"):
        fragment_cache.bump(DIRECTORY_FRAGMENTS)
