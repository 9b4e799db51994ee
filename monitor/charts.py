"""The monitor's trend charts: its figures over the years turned into the shared SVG lines."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lsa_portal.charts import LineChart, line_chart

from .selectors import TrendPoint


def whole(value: float) -> str:
    return number_format(round(value), force_grouping=True)


def euros(value: float) -> str:
    """Euros as a chart's axis says them: '€ 1,5 mln' from a million on."""
    if abs(value) >= 1_000_000:
        return _("€ %(amount)s mln") % {"amount": number_format(value / 1_000_000, 1)}
    return f"€ {whole(value)}"


def percentage(value: float) -> str:
    return f"{number_format(value, 0)}%"


def _spoken(values: Sequence[tuple[str, float | None, bool]], formatter) -> str:
    provisional = _("provisional")
    return ", ".join(
        f"{label}: {formatter(value)}{f' ({provisional})' if open_ else ''}"
        for label, value, open_ in values
        if value is not None
    )


def _chart(points: list[TrendPoint], title: str, value, formatter) -> LineChart:
    values = [(str(point.year), value(point), not point.fixed) for point in points]
    return line_chart(
        values,
        title=title,
        description=f"{title}. {_spoken(values, formatter)}.",
        formatter=formatter,
    )


def _float(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def trend_charts(points: list[TrendPoint]) -> list[LineChart]:
    """Four lines over the years: who reported, the turnover, the market's share of it, and
    the volunteers."""
    return [
        _chart(points, _("Enterprises reporting"), lambda p: p.stats.count, whole),
        _chart(points, _("Total turnover"), lambda p: p.stats.turnover, euros),
        _chart(
            points,
            _("Market share of the turnover"),
            lambda p: _float(p.stats.market_share),
            percentage,
        ),
        _chart(points, _("Volunteers"), lambda p: p.stats.volunteers, whole),
    ]
