"""Thin views: parse the request, ask a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import staff_only
from enterprises import services as enterprise_services
from enterprises.charts import totals_chart
from enterprises.measures import MEASURES, MIN_GROUP
from lsa_portal import exports, fragment_cache, pdf_jobs

from . import report, selectors, services
from .charts import trend_charts
from .forms import CorrectionForm, OpenRoundForm
from .models import ReportJob


@require_safe
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
        "province_map": selectors.province_map(data),
        "measures": MEASURES.values(),
        "min_group": MIN_GROUP,
    }


@require_safe
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


# --- Staff ------------------------------------------------------------------------------------

# The monitor report


@login_required
@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def report_page(request, year: int):
    """Staff fix the year's monitor (when no round does), have its report made by a worker
    and publish it into the knowledge base."""
    edition = selectors.newest_edition(year)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "fix" and edition is None:
                services.fix_edition(year, by=request.user)
                messages.success(request, _("The monitor of %(year)s is fixed.") % {"year": year})
            elif action == "generate" and edition is not None:
                report.request_report(edition, by=request.user)
                messages.success(request, _("The report is being made."))
            elif action == "publish" and edition is not None:
                job = report.latest_job(edition)
                if job is None:
                    raise ValidationError(_("Make the report first."))
                published = report.publish_report(job, by=request.user)
                messages.success(
                    request,
                    _("The report is published in the knowledge base: %(title)s.")
                    % {"title": published.title},
                )
            else:
                raise ValidationError(_("That cannot be done now: reload the page."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("monitor:report", year=year)
    round_ = selectors.round_of(year)
    return render(
        request,
        "monitor/report.html",
        {
            "year": year,
            "edition": edition,
            "round": round_,
            "has_figures": selectors.has_figures(year),
            "job": report.latest_job(edition) if edition else None,
            "published": report.published_report(year),
        },
    )


def _report_job(pk: int) -> ReportJob:
    return get_object_or_404(ReportJob.objects.select_related("edition"), pk=pk)


@login_required
@staff_only
@require_safe
def report_status(request, pk: int):
    """The state of a report job, for the page's htmx polling."""
    return render(request, "monitor/_report_job.html", {"job": _report_job(pk)})


@login_required
@staff_only
@require_safe
def report_download(request, pk: int):
    """A report as made, before or after publication (staff; in the audit log)."""
    job = _report_job(pk)
    response = pdf_jobs.download(job, filename=f"monitor-wijkondernemingen-{job.edition.year}.pdf")
    report.note_download(job, by=request.user)
    return response


# Reporting rounds


@login_required
@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
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
@require_safe
def round_detail(request, year: int):
    """A round as staff follow it: response, who has not answered, what to check."""
    return _round_page(request, year)


@login_required
@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
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
@require_safe
def round_non_respondents(request, year: int):
    """Who has not answered, as CSV for a round of phone calls."""
    export = services.export_non_respondents(selectors.round_for(year), by=request.user)
    # Excel in the Netherlands expects ';' between the columns.
    return exports.csv_response(export.filename, export.header, export.rows, delimiter=";")
