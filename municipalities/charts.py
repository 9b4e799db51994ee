"""The municipality's chart: the turnover of its enterprises together, as the shared SVG bar.
The page and the brief show the same one."""

from __future__ import annotations

from django.utils.translation import gettext as _

from enterprises.charts import totals_chart
from lsa_portal.charts import StackedBar

from .selectors import MunicipalityPage


def turnover_chart(page: MunicipalityPage) -> StackedBar | None:
    """The turnover of the municipality's enterprises by stream; None when the figures are not
    shown (too few enterprises, they would be identifiable)."""
    data = page.figures
    if not data.shown:
        return None
    return totals_chart(
        data.stream_totals,
        data.stream_percentages,
        _("Turnover of the enterprises in %(name)s together") % {"name": page.municipality.name},
    )
