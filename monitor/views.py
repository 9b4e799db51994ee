"""Thin views: parse the request, ask a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import is_lsa_staff
from enterprises.charts import totals_chart
from enterprises.measures import MEASURES
from lsa_portal import fragment_cache, uploads
from lsa_portal.pdf_jobs import PdfJobStatus

from . import report, selectors, services
from .charts import trend_charts
from .models import ReportJob


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


# --- Staff: the monitor report ----------------------------------------------------------------


def _staff_only(request) -> None:
    if not is_lsa_staff(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, year: int):
    """Staff fix the year's monitor (when no round does), have its report made by a worker
    and publish it into the knowledge base."""
    _staff_only(request)
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
@require_GET
def report_status(request, pk: int):
    """The state of a report job, for the page's htmx polling."""
    _staff_only(request)
    return render(request, "monitor/_report_job.html", {"job": _report_job(pk)})


@login_required
@require_GET
def report_download(request, pk: int):
    """A report as made, before or after publication (staff; in the audit log)."""
    _staff_only(request)
    job = _report_job(pk)
    if job.status != PdfJobStatus.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except OSError as error:
        raise Http404 from error
    report.note_download(job, by=request.user)
    return uploads.attachment(
        handle,
        filename=f"monitor-wijkondernemingen-{job.edition.year}.pdf",
        content_type="application/pdf",
    )
