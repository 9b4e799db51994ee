"""Thin views of the WijkBV programme: parse the request, ask a selector or a service, render.

Anything a user may not see answers 404, so that nobody learns that it exists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import is_lsa_staff, require_staff
from enterprises.selectors import DIRECTORY_FRAGMENTS
from lsa_portal import fragment_cache
from lsa_portal.forms import validation_message

from . import mengpaneel, permissions, selectors, services
from .forms import (
    ApplicationForm,
    DecisionForm,
    ExtraElementForm,
    LessonForm,
    LogEntryForm,
    MilestoneForm,
    PioneerForm,
    ReadingForm,
    ScoreForm,
    StartApplicationForm,
    SupportItemForm,
)
from .models import Element, Lesson, Milestone, SupportItem


def _pioneer_for(request, slug: str, *, track: bool = False):
    """The pioneer if this user may see it (or track it); 404 otherwise."""
    pioneer = selectors.pioneer_by_slug(slug)
    allowed = (
        permissions.can_track(request.user)
        if track
        else permissions.can_view_pioneer(request.user, pioneer)
    )
    if not allowed:
        raise Http404
    return pioneer


# --- Public -----------------------------------------------------------------------------------


@require_safe
def index(request):
    """The public page of the programme.

    The same for everyone but staff's links below it: rendered once per language and day (the
    open cohorts depend on the date) and cached until anything in the programme changes, or an
    enterprise or municipality it names (the directory's version)."""
    today = timezone.localdate()

    def render_programme() -> str:
        page = selectors.programme_page(today)
        # No request: nothing of the visitor (user, CSRF token) can reach a cached fragment.
        return render_to_string("pioneers/_programme.html", {"page": page, "today": today})

    html = fragment_cache.cached(
        (selectors.FRAGMENTS, DIRECTORY_FRAGMENTS),
        selectors.fragment_identity("programme", today),
        render_programme,
    )
    return render(
        request,
        "pioneers/index.html",
        {"programme_html": html, "staff": is_lsa_staff(request.user)},
    )


# --- Applying ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    """Choose your published enterprise and an open cohort; see your applications."""
    today = timezone.localdate()
    data = selectors.apply_page(request.user, today)
    form = StartApplicationForm(
        request.POST or None, enterprises=data.enterprises, cohorts=data.open_cohorts
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                by=request.user,
                enterprise=form.cleaned_data["enterprise"],
                cohort=form.cleaned_data["cohort"],
            )
        except ValidationError as error:
            messages.error(request, validation_message(error))
        else:
            return redirect("pioneers:application", pk=application.pk)
    return render(request, "pioneers/apply.html", {"data": data, "form": form, "today": today})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application(request, pk):
    """A member's application: a draft to answer and submit, or what was submitted. Never the
    reviewers' scores."""
    found = selectors.application_with_details(pk)
    if not permissions.is_member(request.user, found.enterprise):
        raise Http404
    editable = permissions.can_edit_application(request.user, found)
    form = ApplicationForm(
        request.POST or None if editable else None, instance=found, areas=selectors.areas()
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            services.save_application(
                found,
                by=request.user,
                answers={name: form.cleaned_data[name] for name in ApplicationForm.Meta.fields},
                needs=form.needs(),
            )
            if "submit" in request.POST:
                try:
                    services.submit_application(found, by=request.user)
                except ValidationError as error:
                    messages.error(request, validation_message(error))
                    return redirect("pioneers:application", pk=pk)
                messages.success(
                    request,
                    _("Your application is submitted. You receive an e-mail with the decision."),
                )
                return redirect("pioneers:apply")
            messages.success(request, _("Your draft is saved."))
            return redirect("pioneers:application", pk=pk)
    return render(
        request,
        "pioneers/application.html",
        {
            "application": found,
            "form": form,
            "editable": editable,
            "missing": services.missing_for_submission(found) if editable else [],
            "deadline": found.cohort.deadline(timezone.localdate()),
        },
    )


# --- Review (staff) ---------------------------------------------------------------------------


@login_required
@require_safe
def review_list(request):
    require_staff(request.user)
    today = timezone.localdate()
    cohort = selectors.cohort_by_slug_or_current(request.GET.get("cohort"), today)
    return render(
        request,
        "pioneers/review_list.html",
        {
            "cohort": cohort,
            "cohorts": selectors.cohorts(),
            "applications": selectors.review_list(cohort, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request, pk):
    """Scores side by side, my own scores, and the decision."""
    require_staff(request.user)
    found = selectors.application_with_details(pk)
    if found.is_draft:
        raise Http404
    score_form = ScoreForm(initial_scores=selectors.my_scores(found, request.user))
    decision_form = DecisionForm(initial={"decision": found.status})
    if request.method == "POST":
        if "decide" in request.POST:
            decision_form = DecisionForm(request.POST)
            if decision_form.is_valid():
                try:
                    services.decide(
                        found,
                        by=request.user,
                        decision=decision_form.cleaned_data["decision"],
                        message=decision_form.cleaned_data["message"],
                    )
                except ValidationError as error:
                    messages.error(request, validation_message(error))
                else:
                    messages.success(
                        request,
                        _("The decision is saved and the applicants are told by e-mail."),
                    )
                return redirect("pioneers:review", pk=pk)
        else:
            score_form = ScoreForm(request.POST)
            if score_form.is_valid():
                services.score_application(found, by=request.user, scores=score_form.scores())
                messages.success(request, _("Your scores are saved."))
                return redirect("pioneers:review", pk=pk)
    return render(
        request,
        "pioneers/review.html",
        {
            "application": found,
            "table": selectors.score_table(found),
            "score_form": score_form,
            "decision_form": decision_form,
            "pioneer": getattr(found, "pioneer", None),
        },
    )


# --- Tracking -----------------------------------------------------------------------------------


@login_required
@require_safe
def dashboard(request):
    """Staff: all pioneers of a cohort at a glance."""
    require_staff(request.user)
    today = timezone.localdate()
    asked = selectors.clean_slug(request.GET.get("cohort")) or "-"
    # Staff only, the same for every staff member: rendered once per asked cohort, language and
    # day, until anything in the programme changes (caches.programme_changed).
    identity = selectors.fragment_identity("dashboard", asked, today)

    def render_dashboard() -> str:
        cohort = selectors.cohort_by_slug_or_current(request.GET.get("cohort"), today)
        data = selectors.dashboard(cohort, today)
        # No request: nothing of the visitor (user, CSRF token) can reach a cached fragment.
        return render_to_string("pioneers/_dashboard.html", {"data": data})

    html = fragment_cache.cached(selectors.FRAGMENTS, identity, render_dashboard)
    return render(request, "pioneers/dashboard.html", {"dashboard_html": html})


@login_required
@require_safe
def pioneer(request, slug):
    """One pioneer: staff see everything, the pioneer's members the shared parts.

    The whole page body is cached per pioneer, role (staff see internal log entries and draft
    lessons, members do not), language and day, until anything in the programme changes
    (caches.py). Actions are links to their own pages, so the body holds no form. On a hit
    nothing is loaded but the user: for staff the fragment's existence says the pioneer exists
    (deleting one changes the version), a member's right is checked with one light query."""
    if not permissions.can_view_pioneer_slug(request.user, slug):
        raise Http404
    today = timezone.localdate()
    internal = permissions.can_see_internal(request.user)
    role = "staff" if internal else "member"
    identity = selectors.fragment_identity("pioneer", slug, role, today)

    def render_page() -> dict:
        found = selectors.pioneer_by_slug(slug)  # 404 when there is none: nothing is cached
        data = selectors.pioneer_page(found, request.user, today)
        return {
            "title": found.enterprise.name,
            # No request: nothing of the visitor can reach the cached body (see dashboard).
            "main": render_to_string("pioneers/_pioneer_main.html", {"data": data, "today": today}),
        }

    page = fragment_cache.cached(selectors.FRAGMENTS, identity, render_page)
    return render(
        request, "pioneers/pioneer.html", {"title": page["title"], "main_html": page["main"]}
    )


@login_required
@require_safe
def log(request, slug):
    """The whole log, paginated; members see only what is shared with them."""
    found = _pioneer_for(request, slug)
    page = Paginator(selectors.visible_log(found, request.user), selectors.LOG_PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "pioneers/log.html",
        {"pioneer": found, "page": page, "internal": permissions.can_see_internal(request.user)},
    )


@login_required
@require_safe
def history(request, slug):
    found = _pioneer_for(request, slug)
    return render(
        request,
        "pioneers/history.html",
        {
            "data": selectors.history(found, timezone.localdate()),
            "can_track": permissions.can_track(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reading_new(request, slug):
    """A new reading, started from the last one. "Show what moves" previews without saving."""
    found = _pioneer_for(request, slug, track=True)
    elements = selectors.elements_for(found)
    last_readings = selectors.latest_readings(found, 1)
    last = last_readings[0] if last_readings else None
    last_positions = selectors.positions_of(last)
    form = ReadingForm(request.POST or None, elements=elements, last=last_positions)
    title = _("Mengpaneel of %(name)s") % {"name": found}
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = mengpaneel.desk_from_positions(
                elements,
                {element.pk: (position, note) for element, position, note in form.values()},
                {pk: value.position for pk, value in last_positions.items()},
                _("%(title)s, preview") % {"title": title},
            )
        else:
            try:
                services.record_reading(
                    found,
                    by=request.user,
                    taken_on=form.cleaned_data["taken_on"],
                    note=form.cleaned_data["note"].strip(),
                    values=[
                        services.FaderInput(element, position, note)
                        for element, position, note in form.values()
                    ],
                )
            except ValidationError as error:
                messages.error(request, validation_message(error))
            else:
                messages.success(request, _("The reading is saved."))
                return redirect(found.get_absolute_url() + "#mengpaneel")
    return render(
        request,
        "pioneers/reading_form.html",
        {
            "pioneer": found,
            "form": form,
            "last": last,
            "last_desk": mengpaneel.desk_for(elements, last, None, title) if last else None,
            "preview": preview,
        },
    )


def _track_form(request, found, form, title, *, save, saved, instance=None):
    """Add or change one part of a pioneer's track (staff): the form reads the input, ``save``
    (a service) writes it. What the service refuses is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, saved)
            return redirect(found.get_absolute_url())
    return render(
        request,
        "pioneers/track_form.html",
        {"pioneer": found, "form": form, "title": title, "instance": instance},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pioneer_edit(request, slug):
    found = _pioneer_for(request, slug, track=True)
    return _track_form(
        request,
        found,
        PioneerForm(request.POST or None, instance=found),
        _("Ambition, plan and consent"),
        instance=found,
        save=lambda **data: services.update_track(found, by=request.user, **data),
        saved=_("The track is saved."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def log_new(request, slug):
    found = _pioneer_for(request, slug, track=True)
    return _track_form(
        request,
        found,
        LogEntryForm(request.POST or None),
        _("New log entry"),
        save=lambda **data: services.add_log_entry(found, by=request.user, **data),
        saved=_("The log entry is saved."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_form(request, slug, pk=None):
    instance = get_object_or_404(Milestone, pk=pk, pioneer__slug=slug) if pk else None
    found = _pioneer_for(request, slug, track=True)
    return _track_form(
        request,
        found,
        MilestoneForm(request.POST or None, instance=instance),
        _("Change milestone") if pk else _("New milestone"),
        instance=instance,
        save=lambda **data: services.save_milestone(
            found, by=request.user, milestone=instance, **data
        ),
        saved=_("The milestone is saved."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def support_form(request, slug, pk=None):
    instance = get_object_or_404(SupportItem, pk=pk, pioneer__slug=slug) if pk else None
    found = _pioneer_for(request, slug, track=True)
    return _track_form(
        request,
        found,
        SupportItemForm(request.POST or None, instance=instance),
        _("Change support item") if pk else _("New support item"),
        instance=instance,
        save=lambda **data: services.save_support_item(
            found, by=request.user, item=instance, **data
        ),
        saved=_("The support plan is saved."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_new(request, slug):
    found = _pioneer_for(request, slug, track=True)
    return _track_form(
        request,
        found,
        LessonForm(request.POST or None),
        _("New lesson learned"),
        save=lambda **data: services.add_lesson(found, by=request.user, **data),
        saved=_("The lesson is saved. Publish it when it may be shared."),
    )


@login_required
@require_safe
def lessons(request, slug):
    """Staff: every lesson of a pioneer, each with its publish or withdraw button."""
    found = _pioneer_for(request, slug, track=True)
    return render(
        request,
        "pioneers/lessons.html",
        {"pioneer": found, "lessons": list(selectors.visible_lessons(found, request.user))},
    )


@login_required
@require_POST
def lesson_publish(request, slug, pk):
    found = _pioneer_for(request, slug, track=True)
    lesson = get_object_or_404(Lesson, pk=pk, pioneer=found)
    if request.POST.get("publish") == "0":
        services.unpublish_lesson(lesson, by=request.user)
        messages.success(request, _("The lesson is no longer published."))
    else:
        services.publish_lesson(lesson, by=request.user)
        messages.success(request, _("The lesson is published."))
    return redirect("pioneers:lessons", slug=found.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def element_new(request, slug):
    """An extra element that only this pioneer has on its mengpaneel."""
    found = _pioneer_for(request, slug, track=True)
    form = ExtraElementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_extra_element(
                found,
                by=request.user,
                name=form.cleaned_data["name"],
                low=form.cleaned_data["low_meaning"],
                high=form.cleaned_data["high_meaning"],
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("The element is added to this mengpaneel."))
            return redirect(found.get_absolute_url() + "#mengpaneel")
    return render(
        request,
        "pioneers/track_form.html",
        {"pioneer": found, "form": form, "title": _("Extra element for this pioneer")},
    )


@login_required
@require_safe
def compare(request, element_slug):
    """Staff: every pioneer of a cohort on one catalogue element."""
    require_staff(request.user)
    element = get_object_or_404(Element, slug=element_slug[:80], pioneer__isnull=True)
    today = timezone.localdate()
    cohort = selectors.cohort_by_slug_or_current(request.GET.get("cohort"), today)
    return render(
        request, "pioneers/compare.html", {"data": selectors.comparison(element, cohort, today)}
    )


# --- Expert network (staff) --------------------------------------------------------------------


@login_required
@require_safe
def experts(request):
    require_staff(request.user)
    found, area = selectors.expert_search(request.GET.get("gebied"), request.GET.get("q"))
    return render(
        request,
        "pioneers/experts.html",
        {
            "experts": found,
            "area": area,
            "areas": selectors.areas(),
            "q": (request.GET.get("q") or "")[:100],
        },
    )


@login_required
@require_safe
def expert(request, pk):
    require_staff(request.user)
    return render(request, "pioneers/expert.html", {"expert": selectors.expert_with_support(pk)})
