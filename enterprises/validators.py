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


# Four digits and two letters, whatever the digits: to tell what is wrong with one that has them.
_POSTCODE_SHAPE = re.compile(r"^\s*([0-9]{4})\s?([A-Za-z]{2})\s*$")


def postcode_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a Dutch postcode, None when nothing is. "0123 AB" has
    four digits and two letters, but no postcode starts with 0; SA, SD and SS are never
    issued. The form and the import say the same."""
    shape = _POSTCODE_SHAPE.match(value or "")
    if shape is None:
        return str(_("Enter a Dutch postcode: four digits and two letters, for example 1234 AB."))
    digits, letters = shape.groups()
    if digits.startswith("0"):
        return str(
            _("A Dutch postcode never starts with 0: its four digits run from 1000 to 9999.")
        )
    if letters.upper() in {"SA", "SD", "SS"}:
        return str(_("The letters SA, SD and SS are never used in a Dutch postcode."))
    return None


def validate_postcode(value: str) -> None:
    problem = postcode_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="invalid_postcode")
