"""The knowledge base's pages: parse the request, call one selector or service, render."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lsa_portal import exports, fragment_cache, pdf_jobs, uploads
from lsa_portal.optin import LinkExpired, LinkInvalid
from pioneers.models import Cohort

from . import case_pdf, permissions, selectors, services
from .forms import AdviceRequestForm, ReportRequestForm, SearchForm, SubscribeForm
from .models import AdviceTopic, PdfJob, Report
from .ratelimit import is_limited
from .search import SEARCH_FRAGMENTS
from .search import search as search_items


@require_safe
def index(request):
    """The entry page: newest items, themes, popular reports, and the newsletter."""
    return render(
        request,
        "knowledge/index.html",
        {"data": selectors.index_page(), "subscribe_form": SubscribeForm()},
    )


@require_safe
def search(request):
    """One search over everything public, with filters and their counts."""
    form = SearchForm(request.GET)
    params = form.params(page=request.GET.get("page"))

    def render_results() -> str:
        # The page links carry the search's own parameters, never the visitor's query string:
        # this fragment is cached for everyone who searches the same.
        links = QueryDict(params.query_string())
        context = {"form": form, "results": search_items(params), "links": links}
        return render_to_string("knowledge/_search.html", context, request=request)

    identity = f"{params.query_string()}&page={params.page or ''}"
    search_html = fragment_cache.cached(SEARCH_FRAGMENTS, identity, render_results)
    return render(request, "knowledge/search.html", {"params": params, "search_html": search_html})


@require_safe
def report_detail(request, slug: str):
    staff = permissions.can_see_drafts(request.user)
    report = selectors.report_page(slug, staff=staff)
    if report.is_public and request.method == "GET":  # link checkers' HEADs are no views
        services.record_view(report)
    return render(request, "knowledge/report_detail.html", {"report": report, "staff": staff})


@require_safe
def report_download(request, slug: str):
    """An open report's PDF; a report on request sends the visitor to its form."""
    report = selectors.report_for_download(slug)
    if report.is_on_request:
        return redirect("knowledge:report_request", slug=slug)
    return _pdf_response(request, report)


def _pdf_response(request, report: Report):
    """The report's PDF; counted as a download only when it is really fetched (GET, not HEAD)."""
    response = uploads.pdf_attachment(report.pdf, filename=f"{report.slug}.pdf")
    if request.method == "GET":
        services.record_download(report)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def report_request(request, slug: str):
    """The form for a report on request; the link arrives by mail."""
    report = selectors.report_for_download(slug)
    if not report.is_on_request:
        return redirect(report)
    form = ReportRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if is_limited(request, "report-request"):
            form.add_error(None, _("Too many requests from your connection. Try again later."))
            status = 429
        elif form.is_valid():
            services.request_report(report, **form.cleaned_data)
            return redirect("knowledge:report_request_sent", slug=slug)
    return render(
        request,
        "knowledge/report_request.html",
        {
            "report": report,
            "form": form,
            "download_days": settings.KNOWLEDGE_DOWNLOAD_LINK_DAYS,
        },
        status=status,
    )


@require_safe
def report_request_sent(request, slug: str):
    report = selectors.report_for_download(slug)
    return render(request, "knowledge/report_request_sent.html", {"report": report})


@require_safe
def report_download_signed(request, slug: str, token: str):
    """The personal link from the mail: the PDF, or a clear page when it expired or was changed."""
    report = selectors.report_for_download(slug)
    try:
        report_request = services.resolve_download_token(token, report)
    except LinkExpired:
        return _link_refused(request, report, expired=True)
    except LinkInvalid:
        return _link_refused(request, report, expired=False)
    response = _pdf_response(request, report)
    if request.method == "GET":  # a mail scanner's or link checker's HEAD downloads nothing
        services.mark_downloaded(report_request, by=request.user)
    return response


def _link_refused(request, report: Report | None, *, expired: bool):
    return render(
        request,
        "knowledge/link_refused.html",
        {"report": report, "expired": expired},
        status=410 if expired else 400,
    )


@require_safe
def faq(request):
    """Every question, grouped by category, each with an anchor to link to.

    The same for every visitor, and for all staff (who see drafts too): rendered once per
    variant and language, cached until a question, its category or a report it cites changes,
    or a scheduled publication becomes public."""
    staff = permissions.can_see_drafts(request.user)

    def render_faq() -> str:
        groups = selectors.faq_page(staff=staff)
        # No request: nothing of the visitor (user, CSRF token) can reach a cached fragment.
        return render_to_string("knowledge/_faq.html", {"groups": groups, "staff": staff})

    html = fragment_cache.cached(
        selectors.CONTENT_FRAGMENTS,
        f"faq:{'staff' if staff else 'public'}",
        render_faq,
        lifetime=selectors.until_next_publication,
    )
    return render(request, "knowledge/faq.html", {"faq_html": html})


@require_safe
def article_detail(request, slug: str):
    staff = permissions.can_see_drafts(request.user)
    article = selectors.article_page(slug, staff=staff)
    return render(request, "knowledge/article_detail.html", {"article": article, "staff": staff})


@require_safe
def case_detail(request, slug: str):
    staff = permissions.can_see_drafts(request.user)
    case = selectors.case_page(slug, staff=staff)
    context = {"case": case, "staff": staff, "pdf": case_pdf.latest_done(case)}
    if staff:
        context["job"] = case.pdf_jobs.select_related("requested_by").first()
    return render(request, "knowledge/case_detail.html", context)


@require_POST
def case_pdf_generate(request, slug: str):
    """Staff ask for the PDF; the page then follows the job until it is done."""
    if not permissions.can_make_pdfs(request.user):
        raise Http404
    case = selectors.case_page(slug, staff=True)
    job = case_pdf.request_pdf(case, by=request.user)
    if request.htmx:
        return render(request, "knowledge/_pdf_job.html", {"job": job, "case": case})
    return redirect("knowledge:case", slug=slug)


@require_safe
def case_pdf_status(request, pk: int):
    """The job's status as a fragment; htmx asks for it every two seconds while it runs."""
    if not permissions.can_make_pdfs(request.user):
        raise Http404
    job = get_object_or_404(PdfJob.objects.select_related("case", "requested_by"), pk=pk)
    response = render(request, "knowledge/_pdf_job.html", {"job": job, "case": job.case})
    if not job.is_running:
        response["HX-Trigger"] = "pdf-ready"
    return response


@require_safe
def case_pdf_download(request, slug: str, pk: int | None = None):
    """The PDF of a published case for everyone; staff may also fetch any version of a draft.

    A version URL serves that version or nothing: staff any done version of this case, everyone
    else only the version that is the case's public PDF (an older one may predate publication).
    """
    staff = permissions.can_see_drafts(request.user)
    case = selectors.case_page(slug, staff=staff)
    job = case_pdf.latest_done(case) if pk is None else case_pdf.version_for(case, pk, staff=staff)
    if job is None:
        raise Http404
    response = pdf_jobs.download(job, filename=f"casus-{case.slug}.pdf")
    if request.method == "GET" and (not case.is_public or (pk is not None and staff)):
        case_pdf.note_download(job, by=request.user)  # a HEAD downloads nothing
    response["Cache-Control"] = (
        "private, max-age=0" if not case.is_public else "public, max-age=300"
    )
    return response


def _list(request, queryset, template: str, **extra):
    staff = permissions.can_see_drafts(request.user)
    page = selectors.paginate(queryset(staff=staff), request.GET.get("page"))
    return render(request, template, {"page": page, "staff": staff, **extra})


@require_safe
def report_list(request):
    return _list(request, selectors.report_list, "knowledge/report_list.html")


@require_safe
def article_list(request):
    return _list(request, selectors.article_list, "knowledge/article_list.html")


@require_safe
def case_list(request):
    may_make_pdfs = permissions.can_make_pdfs(request.user)
    cohorts = Cohort.objects.order_by("-period_start") if may_make_pdfs else []
    return _list(request, selectors.case_list, "knowledge/case_list.html", cohorts=cohorts)


# --- Newsletter ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def newsletter(request):
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if is_limited(request, "newsletter"):
            form.add_error(None, _("Too many requests from your connection. Try again later."))
            status = 429
        elif form.is_valid():
            services.subscribe(
                form.cleaned_data["email"], form.cleaned_data["name"], by=request.user
            )
            return redirect("knowledge:newsletter_sent")
    return render(request, "knowledge/newsletter.html", {"form": form}, status=status)


@require_safe
def newsletter_sent(request):
    return render(request, "knowledge/newsletter_sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_confirm(request, token: str):
    """GET shows a button (mail scanners follow links); the POST confirms."""
    if request.method == "POST":
        try:
            services.confirm_subscription(token, by=request.user)
        except LinkExpired:
            return _link_refused(request, None, expired=True)
        except LinkInvalid:
            return _link_refused(request, None, expired=False)
        return render(request, "knowledge/newsletter_confirmed.html")
    return render(request, "knowledge/newsletter_confirm.html")


@csrf_exempt  # the signed token is the credential; mail programs post here (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_unsubscribe(request, token: str):
    """One button on the page, or the mail program's own one-click button."""
    try:
        subscriber = services.subscriber_for_unsubscribe(token)
    except LinkInvalid:
        return _link_refused(request, None, expired=False)
    if request.method == "POST":
        services.unsubscribe(token, by=request.user)
        return render(request, "knowledge/newsletter_unsubscribed.html")
    if subscriber is None:
        return render(request, "knowledge/newsletter_unsubscribed.html")
    return render(request, "knowledge/newsletter_unsubscribe.html", {"subscriber": subscriber})


# --- Advice -------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def advice(request):
    """The association's offer to municipalities, with a request form for staff."""
    form = AdviceRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if is_limited(request, "advice"):
            form.add_error(None, _("Too many requests from your connection. Try again later."))
            status = 429
        elif form.is_valid():
            try:
                services.request_advice(**form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("knowledge:advice_sent")
    return render(
        request,
        "knowledge/advice.html",
        {"form": form, "topics": AdviceTopic.choices},
        status=status,
    )


@require_safe
def advice_sent(request):
    return render(request, "knowledge/advice_sent.html")


# --- Staff exports ------------------------------------------------------------------------------


def _refuse_non_staff(request) -> None:
    """403 for everyone logged in who is not staff (``login_required`` sends the others to the
    log-in page first, for GET and POST alike)."""
    if not permissions.can_export(request.user):
        raise PermissionDenied


def csv_response(export: services.CsvExport) -> HttpResponse | StreamingHttpResponse:
    # Excel in the Netherlands expects ';' between the columns.
    return exports.csv_response(export.filename, export.header, export.rows, delimiter=";")


@login_required
@require_safe
def export_requests(request):
    """All report requests as CSV, for staff."""
    _refuse_non_staff(request)
    return csv_response(services.export_requests(by=request.user))


@login_required
@require_safe
def export_subscribers(request):
    """The confirmed newsletter subscribers as CSV, for staff."""
    _refuse_non_staff(request)
    return csv_response(services.export_subscribers(by=request.user))


# --- Feed ---------------------------------------------------------------------------------------


# Characters XML 1.0 cannot hold: a title typed with one would make the whole feed fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


class LatestFeed(Feed):
    """New publications of the knowledge base (RSS 2.0)."""

    title = gettext_lazy("Knowledge base: new publications")
    link = reverse_lazy("knowledge:index")
    description = gettext_lazy(
        "New reports, articles, case descriptions and answers about neighbourhood enterprises."
    )

    def items(self):
        return selectors.feed_items()

    def item_title(self, item):
        return _xml_text(item.title)

    def item_description(self, item):
        return _xml_text(item.summary or item.body[:400])

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.published_at

    def item_guid(self, item):
        return f"{item.kind}-{item.object_id}"

    item_guid_is_permalink = False

    def item_categories(self, item):
        return [item.get_kind_display()]


class LatestAtomFeed(LatestFeed):
    feed_type = Atom1Feed
    subtitle = LatestFeed.description
    link = reverse_lazy("knowledge:index")

    def feed_url(self):
        return reverse("knowledge:feed_atom")


@require_http_methods(["GET", "HEAD", "POST"])
def cohort_pdfs(request, slug: str):
    """Staff: the case-description PDFs of every pioneer of a cohort, made in one go."""
    if not permissions.can_make_pdfs(request.user):
        raise Http404
    cohort = get_object_or_404(Cohort, slug=slug)
    if request.method == "POST":
        jobs = case_pdf.request_for_cohort(cohort, by=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)s PDF requested; the list below follows it.",
                "%(count)s PDFs requested; the list below follows them.",
                len(jobs),
            )
            % {"count": len(jobs)},
        )
        return redirect("knowledge:cohort_pdfs", slug=slug)
    progress = case_pdf.cohort_progress(cohort)
    template = "knowledge/_cohort_progress.html" if request.htmx else "knowledge/cohort_pdfs.html"
    return render(request, template, {"cohort": cohort, "progress": progress})
