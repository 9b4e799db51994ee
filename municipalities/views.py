"""Thin views: parse the request, ask a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import require_staff
from lsa_portal import exports, fragment_cache, pdf_jobs

from . import brief as briefs
from . import permissions, selectors, services
from .charts import turnover_chart
from .forms import DecisionForm, FollowForm, LinkRequestForm, SearchForm
from .models import BriefJob, LinkStatus, OfficerLink


@require_safe
def index(request):
    """Every municipality with a published enterprise: search by name, sort by name or number,
    a page at a time.

    The list is the same for everyone: rendered once per search, sort, page and language and
    cached until an enterprise, a municipality or a pioneer changes (the counts)."""
    form = SearchForm(request.GET or None)
    query, sort = form.values()
    page_number = _page_number(request.GET.get("pagina"))
    # What the list and its page links are built from; the sort always, so that it is never
    # empty (the pagination would fall back to the visitor's own query string).
    params = QueryDict(mutable=True)
    if query:
        params["q"] = query
    params["sorteer"] = sort

    def render_list() -> str:
        page = selectors.municipality_index_page(query, sort, page_number)
        # The pagination's template names the request, but reads it only where params is
        # empty; the list shows nothing else of the visitor.
        return render_to_string(
            "municipalities/_index.html",
            {"page": page, "params": params, "query": query},
            request=request,
        )

    html = fragment_cache.cached(
        selectors.INDEX_FRAGMENTS, f"index:{params.urlencode()}:{page_number}", render_list
    )
    return render(
        request,
        "municipalities/index.html",
        {"list_html": html, "map_html": country_map_html(), "query": query, "sort": sort},
    )


def country_map_html(*, width: int | None = None, linked: bool = True, map_id: str = "") -> str:
    """The country map, by default with a link for every municipality that has a published
    enterprise (``linked=False``: one image, as on the home page): the same for every visitor,
    search and page, so rendered once per language, size and version of the directory (a
    publication or an archiving changes the shading and the links).

    A search filters the list, not the map: the map keeps showing the whole country (the page
    says so), so that it stays one cached drawing instead of one per search, and a visitor who
    searched still sees where their municipality lies among the others."""
    sized = {} if width is None else {"width": width}
    return fragment_cache.cached(
        selectors.MAP_FRAGMENTS,
        f"map:country:{width or ''}:{'links' if linked else 'image'}",
        lambda: render_to_string(
            "includes/_map.html",
            {"map": selectors.country_map(**sized, linked=linked), "map_id": map_id},
        ),
    )


# The Netherlands has about 340 municipalities: 7 pages of 50. A higher number shows the last
# page anyway; the cap keeps the cache from storing that page again under every number.
MAX_PAGE_NUMBER = 20


def _page_number(value: str | None) -> int:
    """The page asked for; anything but a number is the first (past the last is the last)."""
    value = (value or "")[:6]
    if not (value.isascii() and value.isdigit() and int(value) > 0):
        return 1
    return min(int(value), MAX_PAGE_NUMBER)


@require_safe
def detail(request, slug):
    """One municipality: its enterprises, their figures together, pioneers and publications.

    What everyone sees is rendered once and cached (two variants: with the contact persons
    that staff and the municipality's linked officers see, and without); around it, rendered
    on each request: the brief's state (if it has one) and button, the officers' box and the
    follow form."""
    today = timezone.localdate()
    if permissions.may_see_contacts_anywhere(request.user):
        municipality = selectors.municipality_by_slug(slug)
        can_see_contacts = permissions.can_see_contacts(request.user, municipality)
        shared = _shared_parts(slug, today, contacts=can_see_contacts)
    else:  # the cached part knows the municipality: no query for it
        can_see_contacts = False
        shared = _shared_parts(slug, today, contacts=False)
        municipality = shared["municipality"]
    link = None if can_see_contacts else selectors.officer_link(request.user, municipality)
    return render(
        request,
        "municipalities/detail.html",
        {
            "shared": shared,
            "municipality": municipality,
            "can_see_contacts": can_see_contacts,
            "can_request_link": permissions.can_request_link(request.user),
            "link": link,
            "brief_job": selectors.latest_brief(municipality) if shared["has_brief"] else None,
        },
    )


def _shared_parts(slug: str, today, *, contacts: bool) -> dict:
    """The parts of the page that are the same for everyone who may (or may not) see contact
    persons, and the municipality itself: from the cache until an enterprise, a pioneer or a
    knowledge item changes, or a scheduled publication becomes public."""

    def render_parts() -> dict:
        page = selectors.municipality_page(slug, today)  # 404 when there is none: not cached
        context = {
            "page": page,
            "municipality": page.municipality,
            "chart": turnover_chart(page),
            "locator": selectors.locator(page.municipality),
            "min_group": selectors.MIN_GROUP,
            "can_see_contacts": contacts,
        }
        # No request: nothing of the visitor (user, CSRF token) can reach a shared part.
        parts = {
            part: render_to_string(f"municipalities/_detail_{part}.html", context)
            for part in ("intro", "main", "faqs")
        }
        return {
            "municipality": page.municipality,
            "has_brief": selectors.has_brief(page.municipality),
            **parts,
        }

    variant = "contacts" if contacts else "public"
    return fragment_cache.cached(
        selectors.PAGE_FRAGMENTS,
        f"municipality:{slug}:{today.isoformat()}:{variant}",
        render_parts,
        lifetime=selectors.page_lifetime,
    )


@login_required
@require_POST
def brief(request, slug):
    """'Download as brief': the existing file when nothing changed, else a job for a worker."""
    municipality = selectors.municipality_by_slug(slug)
    job = briefs.request_brief(municipality, by=request.user)
    if request.htmx:
        return render(
            request, "municipalities/_brief_job.html", {"job": job, "municipality": municipality}
        )
    if job.status == pdf_jobs.PdfJobStatus.DONE:
        return redirect("municipalities:brief_download", slug=slug, pk=job.pk)
    return redirect("municipalities:detail", slug=slug)


def _brief_job(slug, pk) -> BriefJob:
    return get_object_or_404(
        BriefJob.objects.select_related("municipality"), pk=pk, municipality__slug=slug
    )


@require_safe
def brief_status(request, slug, pk):
    job = _brief_job(slug, pk)
    response = render(
        request, "municipalities/_brief_job.html", {"job": job, "municipality": job.municipality}
    )
    if not job.is_running:
        response["HX-Trigger"] = "brief-ready"
    return response


@require_safe
def brief_download(request, slug, pk):
    """The brief is public: it shows only what the public page shows."""
    job = _brief_job(slug, pk)
    return pdf_jobs.download(job, filename=f"gemeente-{job.municipality.slug}.pdf")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_request(request, slug):
    """An officer asks staff to link their account to this municipality."""
    if not permissions.can_request_link(request.user):
        raise PermissionDenied
    municipality = selectors.municipality_by_slug(slug)
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_link(
                municipality,
                by=request.user,
                job_title=form.cleaned_data["job_title"],
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Your request is sent. Staff of the association will check it with %(name)s.")
                % {"name": municipality.name},
            )
        return redirect("municipalities:detail", slug=municipality.slug)
    return render(
        request,
        "municipalities/link_request.html",
        {"form": form, "municipality": municipality},
    )


def _municipality_for_download(request, slug):
    municipality = selectors.municipality_by_slug(slug)
    if not permissions.can_see_contacts(request.user, municipality):
        raise PermissionDenied
    return municipality


def _rows(municipality):
    columns = selectors.MUNICIPAL_EXPORT_COLUMNS
    rows = selectors.municipal_export_rows(municipality, settings.PORTAL_BASE_URL)
    return ([row[name] for name in columns] for row in rows)


@login_required
@require_safe
def export_csv(request, slug):
    """The municipality's data as CSV: the open-data columns plus the consented contacts."""
    municipality = _municipality_for_download(request, slug)
    services.record_export(municipality, by=request.user, file_format="csv")
    return exports.csv_response(
        f"{municipality.slug}.csv", selectors.MUNICIPAL_EXPORT_COLUMNS, _rows(municipality)
    )


@login_required
@require_safe
def export_xlsx(request, slug):
    """The same columns as the CSV, as a spreadsheet."""
    municipality = _municipality_for_download(request, slug)
    services.record_export(municipality, by=request.user, file_format="xlsx")
    return exports.xlsx_response(
        f"{municipality.slug}.xlsx",
        municipality.name,
        selectors.MUNICIPAL_EXPORT_COLUMNS,
        _rows(municipality),
    )


@login_required
@require_safe
def link_queue(request):
    """Staff: the officers' requests that wait for a decision."""
    require_staff(request.user)
    return render(request, "municipalities/link_queue.html", {"links": selectors.pending_links()})


@login_required
@require_POST
def link_decide(request, pk):
    require_staff(request.user)
    link = get_object_or_404(OfficerLink.objects.select_related("user", "municipality"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to reject."))
        return redirect("municipalities:link_queue")
    approve = form.cleaned_data["decision"] == "goedkeuren"
    try:
        services.decide_link(link, by=request.user, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if link.status == LinkStatus.APPROVED:
            message = _("%(user)s is linked to %(name)s.")
        else:
            message = _("The request of %(user)s for %(name)s is rejected.")
        messages.success(
            request, message % {"user": link.user.email, "name": link.municipality.name}
        )
    return redirect("municipalities:link_queue")


# --- Following: the monthly digest ------------------------------------------------------------


@require_POST
def follow(request, slug):
    """An officer follows with their account; anyone else gets a confirmation mail first."""
    municipality = selectors.municipality_by_slug(slug)
    if permissions.can_request_link(request.user):
        services.follow_as_officer(municipality, by=request.user)
        messages.success(
            request,
            _("You follow %(name)s: once a month you receive what changed.")
            % {"name": municipality.name},
        )
        return redirect("municipalities:detail", slug=slug)
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in a valid e-mail address to follow this municipality."))
        return redirect(f"{municipality_url(slug)}#follow-title")
    services.follow_by_email(form.cleaned_data["email"], municipality, by=request.user)
    # The same words whether or not the address already followed: nobody learns who follows.
    messages.success(
        request,
        _(
            "Check your mailbox: follow the link in the mail to confirm. "
            "Without it we send nothing."
        ),
    )
    return redirect("municipalities:detail", slug=slug)


def municipality_url(slug: str) -> str:
    return reverse("municipalities:detail", kwargs={"slug": slug})


@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request, token):
    """GET shows a button (mail scanners follow links, and must not sign anyone up); the POST
    confirms."""
    token = token[:100]
    if request.method == "POST":
        follower = services.confirm_follow(token, by=request.user)
    else:
        follower = services.follower_to_confirm(token)
    if follower is not None and request.method != "POST":
        return render(
            request,
            "municipalities/follow_confirm.html",
            {"token": token, "municipality": follower.municipality},
        )
    return render(
        request,
        "municipalities/follow_result.html",
        {"confirmed": follower is not None, "municipality": follower and follower.municipality},
        status=200 if follower else 404,
    )


@csrf_exempt  # the token is the key; mail programs post here for one-click unsubscribe
@require_http_methods(["GET", "HEAD", "POST"])
def unfollow(request, token):
    token = token[:100]
    if request.method == "POST":
        municipality = services.unfollow(token, by=request.user)
        return render(
            request,
            "municipalities/follow_result.html",
            {"unsubscribed": True, "municipality": municipality},
        )
    return render(request, "municipalities/unfollow.html", {"token": token})
