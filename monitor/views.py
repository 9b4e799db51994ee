"""Thin views: parse the request, ask a selector or a service, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_lsa_staff
from enterprises import services as enterprise_services
from enterprises.charts import totals_chart
from enterprises.measures import MEASURES
from lsa_portal import exports, fragment_cache

from . import selectors, services
from .charts import trend_charts
from .forms import CorrectionForm, OpenRoundForm


@require_GET
def index(request):
    """The monitor of the latest year with figures."""
    year = selectors.latest_year()
    if year is None:
        return render(request, "monitor/empty.html")
    return redirect("monitor:year", year=year)


def year_context(data: selectors.Monitor) -> dict:
    """What the year's page and the monitor report show."""
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


# --- Reporting rounds (staff) -----------------------------------------------------------------


def staff_only(view):
    """Staff pages exist for staff alone: 404 for everyone else, whatever the method (checked
    before the method, so a page that takes only POST says nothing either)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_lsa_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@staff_only
@require_http_methods(["GET", "POST"])
def rounds(request):
    """The reporting rounds, and the form to open one."""
    form = OpenRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.open_round(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = round_.invitations.count()
            messages.success(
                request,
                ngettext(
                    "The reporting round over %(year)s is open: %(count)s enterprise is invited.",
                    "The reporting round over %(year)s is open: %(count)s enterprises are invited.",
                    count,
                )
                % {"year": round_.year, "count": count},
            )
            return redirect("monitor:round", year=round_.year)
    return render(request, "monitor/rounds.html", {"rounds": selectors.rounds(), "form": form})


def _round_page(request, year: int, correction_form: CorrectionForm | None = None):
    progress = selectors.round_progress(year)
    if progress is None:
        raise Http404
    context = {"progress": progress, "round": progress.round, "correction_form": correction_form}
    if correction_form is None:
        context["correction_form"] = CorrectionForm()
    return render(request, "monitor/round.html", context)


@login_required
@staff_only
@require_GET
def round_detail(request, year: int):
    """A round as staff follow it: response, who has not answered, what to check."""
    return _round_page(request, year)


@login_required
@staff_only
@require_http_methods(["GET", "POST"])
def round_close(request, year: int):
    """Closing a round, after a confirmation: it fixes the year's monitor."""
    round_ = selectors.round_for(year)
    if not round_.is_open:
        return redirect("monitor:round", year=year)
    if request.method == "POST":
        try:
            services.close_round(round_, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The round is closed and the monitor of %(year)s is fixed.") % {"year": year},
            )
        return redirect("monitor:round", year=year)
    return render(
        request,
        "monitor/round_close.html",
        {"round": round_, "progress": selectors.round_progress(year)},
    )


@login_required
@staff_only
@require_POST
def round_correction(request, year: int):
    """Publish a correction of the year's fixed monitor, with a note for its readers."""
    selectors.round_for(year)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            edition = services.publish_correction(
                year, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error("note", error)
        else:
            messages.success(
                request,
                _("Correction published: edition %(number)s of the monitor of %(year)s.")
                % {"number": edition.number, "year": year},
            )
            return redirect("monitor:round", year=year)
    return _round_page(request, year, correction_form=form)


@login_required
@staff_only
@require_POST
def figures_checked(request, year: int, pk: int):
    """Staff checked flagged figures with the enterprise (or saw that they are right)."""
    found = selectors.year_figures_to_check(year, pk)
    enterprise_services.mark_figures_checked(found, by=request.user)
    messages.success(
        request,
        _("The figures of %(name)s over %(year)s are marked as checked.")
        % {"name": found.enterprise.name, "year": year},
    )
    return redirect("monitor:round", year=year)


@login_required
@staff_only
@require_GET
def round_non_respondents(request, year: int):
    """Who has not answered, as CSV for a round of phone calls."""
    export = services.export_non_respondents(selectors.round_for(year), by=request.user)
    # Excel in the Netherlands expects ';' between the columns.
    return exports.csv_response(export.filename, export.header, export.rows, delimiter=";")
