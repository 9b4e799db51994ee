"""The progress bar include (the monitor's response, a round's response) draws in every
language: SVG reads its width as a number, never as '66,70'."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_bar_is_as_wide_as_its_value_in_every_language(language):
    with translation.override(language):
        html = render_to_string(
            "includes/_progress.html", {"value": Decimal("66.7"), "label": "Respons"}
        )
    assert '<rect width="66.70" height="4"' in html
    assert 'aria-label="Respons: 67%"' in html
