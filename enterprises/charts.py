"""Income-mix charts of an enterprise: its figures turned into the shared SVG bar."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from lsa_portal.charts import StackedBar, stacked_bar

from . import figures
from .models import TURNOVER_FIELDS, YearFigures


def stream_label(field_name: str) -> str:
    field = YearFigures._meta.get_field(field_name)
    assert isinstance(field, models.Field)  # a column of the figures, not a relation
    return str(field.verbose_name).capitalize()


def income_chart(year_figures: YearFigures) -> StackedBar:
    """The turnover mix of one year by stream (loans are financing: not in it), with a
    sentence that says the same in words."""
    mix = figures.IncomeMix(year_figures.income_by_stream(), expenses=year_figures.expenses)
    percentages = mix.stream_percentages()
    parts = [(name, stream_label(name), getattr(year_figures, name)) for name in TURNOVER_FIELDS]
    spoken = ", ".join(f"{label} {percentages[key]}%" for key, label, value in parts if value)
    description = _("Turnover mix %(year)s: %(parts)s.") % {
        "year": year_figures.year,
        "parts": spoken or "-",
    }
    return stacked_bar(parts, percentages, description)


def totals_chart(
    stream_totals: dict[str, int], percentages: dict[str, int], title: str
) -> StackedBar:
    parts = [(name, stream_label(name), stream_totals.get(name, 0)) for name in TURNOVER_FIELDS]
    spoken = ", ".join(f"{label} {percentages[key]}%" for key, label, value in parts if value)
    return stacked_bar(parts, percentages, f"{title}: {spoken or '-'}.")
