"""Thin views: parse the request, ask a selector or a service, render."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import slug_re
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import require_staff
from lsa_portal import exports, fragment_cache
from lsa_portal.forms import validation_message

from . import imports, permissions, selectors, services
from .charts import income_chart, totals_chart
from .figures import IncomeMix
from .forms import (
    AssetForm,
    ImportForm,
    InviteForm,
    ProfileForm,
    RegisterForm,
    ReviewForm,
    RoleForm,
    YearFiguresForm,
)
from .models import (
    FIRST_YEAR,
    Asset,
    Enterprise,
    Invitation,
    Membership,
    Municipality,
    YearFigures,
)


def _enterprise_for(request, slug: str, check) -> Enterprise:
    """The enterprise if ``check(user, enterprise)`` allows it; 404 otherwise, so that
    nobody learns that a concept exists."""
    enterprise = selectors.enterprise_by_slug(slug)
    if not check(request.user, enterprise):
        raise Http404
    return enterprise


def _manage(request, template: str, enterprise: Enterprise, section: str, **context):
    """A page of an enterprise's management (profile, assets, figures, members): it says
    when staff keep the enterprise (it has no owner yet)."""
    return render(
        request,
        template,
        {
            "enterprise": enterprise,
            "section": section,
            "kept_by_staff": permissions.kept_by_staff(enterprise),
            "staff_keeps": permissions.staff_keeps(request.user, enterprise),
            **context,
        },
    )


# --- Public -----------------------------------------------------------------------------------


@require_safe
def index(request):
    """The public directory of published enterprises.

    The list with its filters is the same for everyone, so it is rendered once per query and
    language and cached until something in the directory changes (see signals.py)."""
    params = selectors.directory_params(request.GET)

    def render_directory() -> str:
        result = selectors.directory(params, params.get("pagina"))
        context = {
            "result": result,
            "params": params,
            "active_filters": selectors.active_filters(result, params),
        }
        return render_to_string("enterprises/_directory.html", context, request=request)

    directory_html = fragment_cache.cached(
        selectors.DIRECTORY_FRAGMENTS, params.urlencode(), render_directory
    )
    return render(request, "enterprises/index.html", {"directory_html": directory_html})


@require_safe
def profile(request, slug):
    """The public profile (concepts only for members and staff).

    The profile is the same for everyone who may not edit it, and for everyone who may: each
    variant is rendered once and cached until the directory's data changes (see signals.py).
    Only a signed-in visitor's rights are read on each request; an anonymous visitor's request
    reads nothing from the database while the profile is cached."""
    can_edit = False
    if request.user.is_authenticated:
        enterprise = selectors.enterprise_by_slug(slug)
        if not permissions.can_view(request.user, enterprise):
            raise Http404
        can_edit = permissions.can_edit(request.user, enterprise)
    shared = _shared_profile(slug, can_edit=can_edit)
    if not shared["published"] and not request.user.is_authenticated:
        raise Http404
    return render(request, "enterprises/profile.html", {"shared": shared})


def _shared_profile(slug: str, *, can_edit: bool) -> dict:
    """The rendered profile and what the page's head needs, from the cache until anything the
    profile shows changes (the enterprise, its municipality, themes, figures or assets)."""

    def render_profile() -> dict:
        enterprise = selectors.enterprise_with_details(slug)  # 404 when there is none: not cached
        trend = [
            {
                "figures": year,
                "chart": income_chart(year),
                "mix": IncomeMix(year.income_by_stream(), year.expenses),
            }
            for year in reversed(list(enterprise.year_figures.all()))
        ]
        context = {
            "enterprise": enterprise,
            "latest": trend[0] if trend else None,
            "trend": trend,
            "can_edit": can_edit,
        }
        return {
            "published": enterprise.is_published,
            "name": enterprise.name,
            "pitch": enterprise.pitch,
            # No request: nothing of the visitor (user, CSRF token) can reach the shared part.
            "html": render_to_string("enterprises/_profile.html", context),
        }

    variant = "editor" if can_edit else "reader"
    return fragment_cache.cached(
        selectors.DIRECTORY_FRAGMENTS, f"profile:{slug}:{variant}", render_profile
    )


@require_safe
def benchmark(request):
    """The benchmark of one year; officers and staff may narrow it to one municipality.

    What is the same for everyone (for a year and a municipality) is rendered once and cached
    until the directory's data changes; only where the visitor's own enterprises stand is not."""
    municipality = None
    may_narrow = permissions.can_narrow_benchmark(request.user)
    slug = request.GET.get("gemeente", "")[:100]
    # Only a slug reaches the database (PostgreSQL refuses NUL characters with an error).
    if may_narrow and slug_re.fullmatch(slug):
        municipality = Municipality.objects.filter(slug=slug).first()
    requested = request.GET.get("jaar", "")[:4]
    requested = requested if requested.isdigit() else ""

    def render_body() -> tuple:
        data = selectors.benchmark(municipality=municipality, year=requested)
        context = {
            "benchmark": data,
            "totals_chart": totals_chart(
                data.overall.streams,
                data.overall.stream_percentages,
                _("Turnover of all enterprises together"),
            )
            if data.year
            else None,
        }
        html = render_to_string("enterprises/_benchmark_body.html", context, request=request)
        return data.year, data.years, data.peers, html

    identity = f"benchmark:{municipality.slug if municipality else ''}:{requested}"
    year, years, peers, body = fragment_cache.cached(
        selectors.DIRECTORY_FRAGMENTS, identity, render_body
    )
    return render(
        request,
        "enterprises/benchmark.html",
        {
            "body": body,
            "year": year,
            "years": years,
            "municipality": municipality,
            "own": selectors.own_positions(request.user, year, peers),
            "may_narrow": may_narrow,
            "municipalities": selectors.municipalities_with_published() if may_narrow else [],
        },
    )


def _export_filename(extension: str) -> str:
    return f"wijkondernemingen.{extension}"


@require_safe
def export_csv(request):
    """The published directory as open data (CSV), with the directory's filters applied."""
    columns = selectors.EXPORT_COLUMNS
    rows = selectors.export_rows(request.GET, settings.PORTAL_BASE_URL)
    return exports.csv_response(
        _export_filename("csv"),
        columns,
        ([row[name] for name in columns] for row in rows),
        streaming=True,
    )


@require_safe
def export_json(request):
    rows = list(selectors.export_rows(request.GET, settings.PORTAL_BASE_URL))
    body = json.dumps(
        {"count": len(rows), "results": rows}, cls=DjangoJSONEncoder, ensure_ascii=False
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_export_filename("json")}"'
    return response


# --- Residents --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    """First step of registering an initiative; the rest can follow on the edit page."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enterprise = services.register(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Your initiative is saved as a concept. Complete it and submit it for publication."),
        )
        return redirect("enterprises:edit", slug=enterprise.slug)
    return render(request, "enterprises/register.html", {"form": form})


@login_required
@require_safe
def mine(request):
    """My initiatives, their status and what is still missing."""
    rows = [
        {
            "membership": m,
            "enterprise": m.enterprise,
            "missing": services.missing_for_submission(m.enterprise),
        }
        for m in selectors.my_memberships(request.user)
    ]
    return render(request, "enterprises/mine.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, slug):
    enterprise = _enterprise_for(request, slug, permissions.can_edit)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        saved = services.update_profile(enterprise, by=request.user, changes=form.cleaned_data)
        messages.success(request, _("The profile is saved."))
        return redirect("enterprises:edit", slug=saved.slug)
    return _manage(
        request,
        "enterprises/edit.html",
        enterprise,
        "profile",
        form=form,
        missing=services.missing_for_submission(enterprise),
        can_submit=permissions.can_submit(request.user, enterprise),
    )


@login_required
@require_POST
def submit(request, slug):
    enterprise = _enterprise_for(request, slug, permissions.is_member)
    if not permissions.can_submit(request.user, enterprise):
        raise PermissionDenied
    try:
        services.submit(enterprise, by=request.user)
    except ValidationError as error:
        messages.error(request, validation_message(error))
        return redirect("enterprises:edit", slug=slug)
    messages.success(
        request, _("Submitted. Staff of the association review it; you receive an e-mail.")
    )
    return redirect("enterprises:mine")


@login_required
@require_safe
def assets(request, slug):
    enterprise = _enterprise_for(request, slug, permissions.can_edit)
    return _manage(
        request,
        "enterprises/assets.html",
        enterprise,
        "assets",
        assets=enterprise.assets.order_by("kind", "name"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def asset_form(request, slug, pk=None):
    enterprise = _enterprise_for(request, slug, permissions.can_edit)
    asset = (
        get_object_or_404(Asset, pk=pk, enterprise=enterprise)
        if pk
        else Asset(enterprise=enterprise)
    )
    form = AssetForm(request.POST or None, instance=asset)
    if request.method == "POST" and form.is_valid():
        services.save_asset(form.save(commit=False), by=request.user)
        messages.success(request, _("The asset is saved."))
        return redirect("enterprises:assets", slug=slug)
    return _manage(
        request, "enterprises/asset_form.html", enterprise, "assets", form=form, asset=asset
    )


@login_required
@require_POST
def asset_delete(request, slug, pk):
    enterprise = _enterprise_for(request, slug, permissions.can_edit)
    asset = get_object_or_404(Asset, pk=pk, enterprise=enterprise)
    services.delete_asset(asset, by=request.user)
    messages.success(request, _("The asset is removed."))
    return redirect("enterprises:assets", slug=slug)


@login_required
@require_safe
def figures_list(request, slug):
    enterprise = _enterprise_for(request, slug, permissions.can_edit)
    years = [
        {"figures": year, "mix": IncomeMix(year.income_by_stream(), year.expenses)}
        for year in enterprise.year_figures.order_by("-year")
    ]
    return _manage(request, "enterprises/figures_list.html", enterprise, "figures", years=years)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def figures_form(request, slug, year=None):
    """One year's figures: a new year, or the year in the address (new or already reported;
    the link in a reporting round's mail), with the year before beside each field."""
    enterprise = _enterprise_for(request, slug, permissions.can_edit)
    if year is not None and not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    instance = selectors.year_figures_of(enterprise, year) if year else None
    if instance is None:
        instance = YearFigures(enterprise=enterprise, year=year)
    previous = selectors.year_figures_of(enterprise, year - 1) if year else None
    form = YearFiguresForm(
        request.POST or None,
        instance=instance,
        enterprise=enterprise,
        previous=previous,
        year=year,
    )
    if request.method == "POST" and form.is_valid():
        saved = services.save_year_figures(form.save(commit=False), by=request.user)
        messages.success(request, _("The figures for %(year)s are saved.") % {"year": saved.year})
        if saved.flags:
            messages.info(
                request,
                _(
                    "Some figures differ a lot from the year before (%(items)s). That can be "
                    "right; staff of the association may ask you about them."
                )
                % {"items": "; ".join(selectors.describe_flags(saved.flags))},
            )
        return redirect("enterprises:figures", slug=slug)
    return _manage(
        request,
        "enterprises/figures_form.html",
        enterprise,
        "figures",
        form=form,
        previous=previous,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def members(request, slug):
    """Members and invitations; owners invite, change roles and remove (and staff, while they
    keep an enterprise that has no owner yet)."""
    enterprise = _enterprise_for(request, slug, permissions.can_see_members)
    can_manage = permissions.can_manage_members(request.user, enterprise)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invite_member(enterprise, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request,
                    _("The invitation is sent to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("enterprises:members", slug=slug)
    return _manage(
        request,
        "enterprises/members.html",
        enterprise,
        "members",
        memberships=selectors.members_of(enterprise),
        invitations=selectors.open_invitations(enterprise) if can_manage else [],
        form=form,
        can_manage=can_manage,
        role_form=RoleForm(),
    )


@login_required
@require_POST
def member_remove(request, slug, pk):
    enterprise = _enterprise_for(request, slug, permissions.can_see_members)
    membership = get_object_or_404(Membership, pk=pk, enterprise=enterprise)
    leaving = membership.user_id == request.user.pk
    try:
        services.remove_member(membership, by=request.user)
    except ValidationError as error:
        messages.error(request, validation_message(error))
        return redirect("enterprises:members", slug=slug)
    if leaving:
        messages.success(
            request, _("You are no longer a member of %(name)s.") % {"name": enterprise.name}
        )
        return redirect("enterprises:mine")
    messages.success(request, _("The member is removed."))
    return redirect("enterprises:members", slug=slug)


@login_required
@require_POST
def member_role(request, slug, pk):
    enterprise = _enterprise_for(request, slug, permissions.can_see_members)
    membership = get_object_or_404(Membership, pk=pk, enterprise=enterprise)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.change_role(membership, by=request.user, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, validation_message(error))
        else:
            messages.success(request, _("The role is changed."))
    return redirect("enterprises:members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    enterprise = _enterprise_for(request, slug, permissions.can_manage_members)
    found = get_object_or_404(Invitation, pk=pk, enterprise=enterprise, accepted_at__isnull=True)
    services.withdraw_invitation(found, by=request.user)
    messages.success(request, _("The invitation is withdrawn."))
    return redirect("enterprises:members", slug=slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def archive(request, slug):
    """An owner takes the enterprise out of the directory; its history stays."""
    enterprise = _enterprise_for(request, slug, permissions.can_archive)
    if request.method == "POST":
        services.archive(enterprise, by=request.user)
        messages.success(
            request,
            _("%(name)s is archived: it is no longer in the directory.")
            % {"name": enterprise.name},
        )
        return redirect("enterprises:mine")
    return _manage(request, "enterprises/archive.html", enterprise, "members")


def _masked(address: str) -> str:
    """An address shown to whoever holds an invitation's link: enough for its owner to know it,
    not the whole of it (the link may have reached someone else)."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}…@{domain}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, token):
    """The page behind the link in an invitation mail. Only the account that confirmed the
    invited address may accept; anyone else is told how to log in with that account or to ask
    for a new invitation to their own address."""
    found = (
        Invitation.objects.select_related("enterprise", "invited_by").filter(token=token).first()
    )
    if found is None or not services.invitation_is_open(found):
        return render(request, "enterprises/invitation_invalid.html", status=410 if found else 404)
    status = 200
    if request.method == "POST":
        try:
            services.accept_invitation(found, by=request.user)
        except services.InvitationForSomeoneElse:
            status = 403
        else:
            messages.success(
                request,
                _("Welcome: you now keep %(name)s together.") % {"name": found.enterprise.name},
            )
            return redirect("enterprises:edit", slug=found.enterprise.slug)
    address = services.invited_address(found, request.user)
    return render(
        request,
        "enterprises/invitation.html",
        {
            "invitation": found,
            "for_this_account": address is services.InvitedAddress.VERIFIED,
            "address_unverified": address is services.InvitedAddress.UNVERIFIED,
            "invited_address": _masked(found.email),
            "login_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
        },
        status=status,
    )


# --- Staff ------------------------------------------------------------------------------------


@login_required
@require_safe
def review_queue(request):
    require_staff(request.user)
    return render(
        request, "enterprises/review_queue.html", {"enterprises": selectors.review_queue()}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request, slug):
    require_staff(request.user)
    enterprise = selectors.enterprise_with_details(slug)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == ReviewForm.PUBLISH:
                services.publish(enterprise, by=request.user)
                messages.success(request, _("%(name)s is published.") % {"name": enterprise.name})
            else:
                services.reject(enterprise, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(
                    request, _("%(name)s is sent back to its members.") % {"name": enterprise.name}
                )
        except ValidationError as error:
            messages.error(request, validation_message(error))
        return redirect("enterprises:review_queue")
    years = list(enterprise.year_figures.all())
    latest = years[-1] if years else None
    return render(
        request,
        "enterprises/review.html",
        {
            "enterprise": enterprise,
            "form": form,
            "latest": {"figures": latest, "chart": income_chart(latest)} if latest else None,
            "missing": services.missing_for_submission(enterprise),
        },
    )


# --- Staff: import from the association's spreadsheets ----------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_start(request):
    """Upload a spreadsheet: a file that cannot be read is refused with its reason; otherwise
    the preview of every row opens, and nothing is written until staff confirm."""
    require_staff(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = services.preview_import(
            form.cleaned_data["sheet"], by=request.user, file_name=form.cleaned_data["bestand"].name
        )
        return redirect(batch)
    return render(
        request,
        "enterprises/import.html",
        {
            "form": form,
            "columns": [
                {"key": column.key, "help": imports.column_help(column), "example": column.example}
                for column in imports.COLUMNS
            ],
            "recent": selectors.recent_imports(),
            "preview_days": services.IMPORT_PREVIEW_DAYS,
        },
    )


@login_required
@require_safe
def import_preview(request, pk):
    require_staff(request.user)
    preview = selectors.import_preview(
        selectors.import_batch(pk), request.GET.get("toon"), request.GET.get("pagina")
    )
    return render(
        request,
        "enterprises/import_preview.html",
        {
            "preview": preview,
            "batch": preview.batch,
            "errors_message": services.import_errors_message(preview.error_rows)
            if preview.error_rows
            else "",
            "filters": [
                ("alle", _("All rows")),
                ("fouten", _("Errors")),
                ("wijzigingen", _("New and changed")),
                ("overgeslagen", _("Skipped")),
            ],
        },
    )


def _import_summary(created: int, updated: int, figures: int) -> str:
    """What an import did, each count with its own plural."""
    return _("Imported: %(enterprises)s; %(figures)s.") % {
        "enterprises": ngettext(
            "%(created)s new enterprise, %(updated)s changed",
            "%(created)s new enterprises, %(updated)s changed",
            created,
        )
        % {"created": created, "updated": updated},
        "figures": ngettext(
            "%(count)s year of figures added or changed",
            "%(count)s years of figures added or changed",
            figures,
        )
        % {"count": figures},
    }


@login_required
@require_POST
def import_confirm(request, pk):
    require_staff(request.user)
    batch = selectors.import_batch(pk)
    try:
        batch = services.apply_import(batch, by=request.user)
    except ValidationError as error:
        messages.error(request, validation_message(error))
        return redirect(batch)
    applied = batch.plan["applied"]
    messages.success(
        request,
        _import_summary(
            applied["enterprises_created"],
            applied["enterprises_updated"],
            applied["figures_created"] + applied["figures_updated"],
        ),
    )
    return redirect(batch)


@login_required
@require_POST
def import_discard(request, pk):
    require_staff(request.user)
    batch = selectors.import_batch(pk)
    try:
        services.discard_import(batch, by=request.user)
    except ValidationError as error:
        messages.error(request, validation_message(error))
        return redirect(batch)
    messages.success(request, _("The preview is discarded: nothing was imported."))
    return redirect("enterprises:import")


@login_required
@require_safe
def import_template_xlsx(request):
    """The template: the columns on the first sheet, what to type in each on the second."""
    require_staff(request.user)
    return exports.xlsx_sheets_response(
        "sjabloon-wijkondernemingen.xlsx",
        [
            (_("Neighbourhood enterprises"), imports.template_header(), []),
            (
                _("Explanation"),
                [_("column"), _("what to type"), _("example")],
                imports.template_help_rows(),
            ),
        ],
    )


@login_required
@require_safe
def import_template_csv(request):
    """The template as CSV: the header row, separated by semicolons as Dutch offices write."""
    require_staff(request.user)
    return exports.csv_response(
        "sjabloon-wijkondernemingen.csv", imports.template_header(), [], delimiter=";"
    )
