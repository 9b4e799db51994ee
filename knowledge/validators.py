"""Kept for the migrations that name these: the upload checks live in ``lsa_portal.uploads``."""

from lsa_portal.uploads import MAX_PDF_BYTES, validate_pdf

__all__ = ["MAX_PDF_BYTES", "validate_pdf"]
