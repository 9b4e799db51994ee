"""Keep the cached list of case descriptions honest about their PDF links: a PDF job that is
made, finished or deleted (saved through the ORM, which sends these signals) may change which
file a case's link serves.

Kept as a receiver, connected for ``PdfJob`` only: the jobs are written by the knowledge app
(its services and its PDF worker), which may not import the API above it (STYLE.md: the higher
app listens)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from knowledge.models import PdfJob
from lsa_portal import fragment_cache

from .answers import CASE_PDF_FRAGMENTS


@receiver(post_save, sender=PdfJob)
@receiver(post_delete, sender=PdfJob)
def _case_pdf_changed(sender, **kwargs):
    fragment_cache.bump(CASE_PDF_FRAGMENTS)
