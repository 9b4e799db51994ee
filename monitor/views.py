"""Thin views: parse the request, ask a selector or a service, render."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from enterprises.charts import totals_chart
from enterprises.measures import MEASURES
from lsa_portal import fragment_cache

from . import selectors
from .charts import trend_charts


@require_GET
def index(request):
    """The monitor of the latest year with figures."""
    year = selectors.latest_year()
    if year is None:
        return render(request, "monitor/empty.html")
    return redirect("monitor:year", year=year)


def year_context(data: selectors.Monitor) -> dict:
    """What the year's page and the monitor report show."""
    from django.utils.translation import gettext as _

    return {
        "monitor": data,
        "stream_chart": totals_chart(
            data.overall.streams,
            data.overall.stream_percentages,
            _("Turnover of all enterprises together"),
        ),
        "trend_charts": trend_charts(data.trend),
        "measures": MEASURES.values(),
        "min_group": selectors.measures.MIN_GROUP,
    }


@require_GET
def year(request, year: int):
    """The monitor of one year: the same for everyone, cached until figures, rounds or
    editions change."""

    def render_body() -> str:
        data = selectors.monitor(year)
        if data is None:
            raise Http404
        return render_to_string("monitor/_year_body.html", year_context(data), request=request)

    body = fragment_cache.cached(selectors.PAGE_FRAGMENTS, f"year:{year}", render_body)
    return render(request, "monitor/year.html", {"body": body, "year": year})
