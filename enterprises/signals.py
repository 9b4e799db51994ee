"""Keep the directory's cache honest: any change to what it shows makes a new cache version.
The same version keys what is built on the enterprises' data elsewhere (a municipality's page,
the national medians), so assets count too."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from lsa_portal import fragment_cache

from .models import Asset, Enterprise, Municipality, Theme, YearFigures
from .selectors import DIRECTORY_FRAGMENTS

SHOWN_IN_DIRECTORY = (Enterprise, Municipality, Theme, YearFigures, Asset)

# Sent once after a bulk write (an import) that saved enterprises, their themes and figures
# without post_save: receivers treat it as a change of any enterprise. The apps above listen
# too (their cached pages show enterprises).
enterprises_changed_in_bulk = Signal()


@receiver(post_save)
@receiver(post_delete)
@receiver(enterprises_changed_in_bulk)
def _model_changed(sender, **kwargs):
    if sender in SHOWN_IN_DIRECTORY:
        fragment_cache.bump(DIRECTORY_FRAGMENTS)


@receiver(m2m_changed, sender=Enterprise.themes.through)
def _themes_changed(sender, **kwargs):
    if kwargs.get("action", "").startswith("post_"):
        fragment_cache.bump(DIRECTORY_FRAGMENTS)
