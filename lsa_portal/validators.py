"""Validators shared by the apps' models and forms."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters (tab and line breaks aside), and the Unicode controls that turn the
# direction of the text around it: in a name shown to others they can make it read as another
# name ("Buurtbedrijf\u202eroon" shows as "Buurtbedrijfnoor"). Letters of right-to-left
# scripts are welcome; these invisible controls are not.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def no_hidden_characters(value: str) -> None:
    if value and _HIDDEN.search(value):
        raise ValidationError(
            _(
                "This text contains invisible control characters (often from copying and "
                "pasting). Type the text again, or paste it as plain text."
            ),
            code="hidden_characters",
        )
