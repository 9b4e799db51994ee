"""Validators for Dutch registration data. Messages say what to type."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Moved to the shared upload checks; the name stays importable for the first migration.
from lsa_portal.uploads import FileSizeValidator  # noqa: F401

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")

kvk_number_validator = RegexValidator(
    r"^[0-9]{8}$", _("A KvK number has exactly 8 digits, for example 12345678.")
)


def normalize_postcode(value: str) -> str:
    """'1234ab' -> '1234 AB'; anything that is not a Dutch postcode is returned unchanged."""
    match = POSTCODE_RE.match(value or "")
    if not match:
        return value
    digits, letters = match.groups()
    return f"{digits} {letters.upper()}"


def validate_postcode(value: str) -> None:
    match = POSTCODE_RE.match(value or "")
    # SA, SD and SS are never issued as postcode letters.
    if not match or match.group(2).upper() in {"SA", "SD", "SS"}:
        raise ValidationError(
            _("Enter a Dutch postcode: four digits and two letters, for example 1234 AB."),
            code="invalid_postcode",
        )
