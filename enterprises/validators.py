"""Validators for Dutch registration data. Messages say what to type."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

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


@deconstructible
class FileSizeValidator:
    """Refuse uploads larger than ``max_bytes``."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes

    def __call__(self, file) -> None:
        if file and file.size > self.max_bytes:
            raise ValidationError(
                _("The file is too large: at most %(size)s MB.")
                % {"size": self.max_bytes // (1024 * 1024)},
                code="file_too_large",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, FileSizeValidator) and other.max_bytes == self.max_bytes
