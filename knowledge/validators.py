"""Validators for uploaded knowledge files."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PDF_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def validate_pdf(file) -> None:
    """Refuse anything that does not start like a PDF, whatever its name says."""
    if not file:
        return
    try:
        position = file.tell()
        file.seek(0)
        head = file.read(len(PDF_MAGIC))
        file.seek(position)
    except OSError as error:
        raise ValidationError(
            _("The file could not be read. Upload it again."), code="unreadable"
        ) from error
    if head != PDF_MAGIC:
        raise ValidationError(
            _("This file is not a PDF. Upload the report as a PDF file."), code="not_a_pdf"
        )
