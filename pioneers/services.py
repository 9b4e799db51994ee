"""Everything that changes state in the WijkBV programme. Each function checks the transition,
writes, records who did it and sends the mail that goes with it (after the commit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.services import member_emails
from lsa_portal import audit, slugs
from lsa_portal.mail import absolute_url, send_templated

from . import caches, permissions, selectors
from .models import (
    DECISIONS,
    POSITION_MAX,
    POSITION_MIN,
    Application,
    ApplicationStatus,
    Area,
    Cohort,
    Criterion,
    Element,
    Expert,
    Lesson,
    LogEntry,
    Milestone,
    Pioneer,
    Reading,
    ReadingValue,
    ReviewScore,
    SupportItem,
    SupportNeed,
)

if TYPE_CHECKING:
    from accounts.models import User

RESERVED_SLUGS = {"nieuw", "mengpaneel", "experts"}


def _mail(template: str, recipients: list[str], context: dict[str, Any]) -> None:
    send_templated(f"pioneers/mail/{template}", recipients, context)


_absolute = absolute_url


# --- Applications ----------------------------------------------------------------------------


@transaction.atomic
def start_application(*, by: User, enterprise: Enterprise, cohort: Cohort) -> Application:
    """A member of a published enterprise starts (or returns to) its draft for an open cohort."""
    if not permissions.can_apply_for(by, enterprise):
        raise PermissionDenied
    existing = Application.objects.filter(enterprise=enterprise, cohort=cohort).first()
    if existing is not None:
        return existing
    if not cohort.accepts_applications(timezone.localdate()):
        raise ValidationError(_("This cohort does not accept applications now."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                enterprise=enterprise, cohort=cohort, created_by=by, contact_email=by.email
            )
    except IntegrityError:  # two members started at the same moment: one application
        return Application.objects.get(enterprise=enterprise, cohort=cohort)
    audit.record(by, audit.Action.APPLICATION_STARTED, application, cohort=cohort.pk)
    caches.programme_changed()
    return application


def _save_support_needs(application: Application, needs: Mapping[Area, str]) -> list[int]:
    """Keep exactly the areas with a described need; returns the areas whose need changed."""
    keep = {area.pk: text.strip() for area, text in needs.items() if text and text.strip()}
    before = dict(application.support_needs.values_list("area_id", "description"))
    application.support_needs.exclude(area_id__in=keep).delete()
    for area_id, text in keep.items():
        SupportNeed.objects.update_or_create(
            application=application, area_id=area_id, defaults={"description": text}
        )
    return sorted(area for area in {*before, *keep} if before.get(area) != keep.get(area))


@transaction.atomic
def save_application(
    application: Application,
    *,
    by: User,
    answers: Mapping[str, object],
    needs: Mapping[Area, str],
) -> Application:
    """A member saves the draft: ``answers`` holds a field's new value by name (as
    ``ApplicationForm`` cleans it), ``needs`` the support need per area (empty: none). A draft
    may be incomplete; submitting checks what is missing."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not permissions.can_edit_application(by, application):
        raise PermissionDenied
    changed = sorted(name for name, value in answers.items() if getattr(application, name) != value)
    for name, value in answers.items():
        setattr(application, name, value)
    application.save()
    areas = _save_support_needs(application, needs)
    audit.record(by, audit.Action.APPLICATION_SAVED, application, fields=changed, areas=areas)
    caches.programme_changed()
    return application


def missing_for_submission(application: Application) -> list[str]:
    """What still has to be answered before the application can be submitted."""
    missing = [
        str(label)
        for value, label, answer in application.answers()
        if not answer.strip() and value != Criterion.HELP_OTHERS
    ]
    if not application.flywheel_type:
        missing.append(_("the kind of flywheel plan"))
    if not application.willing_to_help:
        missing.append(_("whether you are willing to help others"))
    if not application.contact_name.strip() or not application.contact_email.strip():
        missing.append(_("a contact person with an e-mail address"))
    return missing


@transaction.atomic
def submit_application(
    application: Application, *, by: User, today: date | None = None
) -> Application:
    """A member hands in the application, before the deadline, with every criterion answered."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not permissions.is_member(by, application.enterprise):
        raise PermissionDenied
    if not application.is_draft:
        raise ValidationError(_("This application has already been submitted."))
    today = today or timezone.localdate()
    if not application.cohort.accepts_applications(today):
        raise ValidationError(
            _("The deadline has passed: this application can no longer be submitted.")
        )
    missing = missing_for_submission(application)
    if missing:
        raise ValidationError(_("Still missing: %(items)s.") % {"items": "; ".join(missing)})
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.submitted_by = by
    application.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit.record(by, audit.Action.APPLICATION_SUBMITTED, application, cohort=application.cohort_id)
    caches.programme_changed()
    return application


@transaction.atomic
def score_application(
    application: Application, *, by: User, scores: Mapping[str, tuple[int, str]]
) -> None:
    """A reviewer (staff, ``by``) scores the criteria 1–5 with a comment; scoring again replaces
    their own earlier scores, never another reviewer's."""
    if not permissions.can_review(by):
        raise PermissionDenied
    if application.is_draft:
        raise ValidationError(_("A draft cannot be reviewed yet."))
    for criterion, (score, comment) in scores.items():
        if criterion not in Criterion.values:
            raise ValidationError(_("Unknown criterion."))
        ReviewScore.objects.update_or_create(
            application=application,
            reviewer=by,
            criterion=criterion,
            defaults={"score": score, "comment": comment.strip()},
        )
    audit.record(
        by,
        audit.Action.APPLICATION_SCORED,
        application,
        scores={criterion: score for criterion, (score, _comment) in scores.items()},
    )
    caches.programme_changed()


def _pioneer_slug(enterprise: Enterprise, cohort: Cohort) -> str:
    """The enterprise's slug; the cohort's added when its track in another cohort has it."""
    return slugs.unique_slug(
        enterprise.slug,
        Pioneer.objects.all(),
        fallback="wijkbv",
        max_length=170,  # Pioneer.slug
        reserved=RESERVED_SLUGS,
        reserved_suffix="1",
        qualifier=slugify(cohort.slug),
    )


def _untied_track(application: Application) -> Pioneer | None:
    """A track of the same enterprise in the same cohort that staff started without this
    application (in the admin): selecting ties the application to it instead of failing on the
    one-track-per-cohort constraint."""
    track = Pioneer.objects.filter(
        enterprise_id=application.enterprise_id,
        cohort_id=application.cohort_id,
        application__isnull=True,
    ).first()
    if track is not None:
        track.application = application
        track.save(update_fields=["application"])
    return track


@transaction.atomic
def decide(application: Application, *, by: User, decision: str, message: str = "") -> Application:
    """Staff select, decline or put on the waiting list; the applicant's members are told by
    e-mail. Selecting creates the pioneer's track."""
    if not permissions.can_review(by):
        raise PermissionDenied
    if decision not in DECISIONS:
        raise ValidationError(_("Choose selected, declined or waiting list."))
    application = (
        Application.objects.select_for_update()
        .select_related("enterprise", "cohort")
        .get(pk=application.pk)
    )
    if application.is_draft:
        raise ValidationError(_("A draft cannot be decided on."))
    if application.status == ApplicationStatus.SELECTED and decision != ApplicationStatus.SELECTED:
        raise ValidationError(_("This applicant is already a pioneer; end the track in the admin."))
    application.status = decision
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_message = message.strip()
    application.save(
        update_fields=["status", "decided_at", "decided_by", "decision_message", "updated_at"]
    )
    pioneer = None
    if decision == ApplicationStatus.SELECTED:
        pioneer = Pioneer.objects.filter(application=application).first() or _untied_track(
            application
        )
        if pioneer is None:
            cohort = application.cohort
            pioneer = Pioneer.objects.create(
                enterprise=application.enterprise,
                cohort=cohort,
                application=application,
                slug=_pioneer_slug(application.enterprise, cohort),
                started_on=max(cohort.period_start, timezone.localdate()),
                ambition=application.answer_ambition,
                flywheel_type=application.flywheel_type,
                flywheel_plan=application.answer_flywheel,
            )
    caches.programme_changed()
    audit.record(
        by,
        audit.Action.APPLICATION_DECIDED,
        application,
        decision=decision,
        pioneer=pioneer.pk if pioneer else None,
    )
    context = {
        "application": application,
        "enterprise": application.enterprise,
        "cohort": application.cohort,
        "message": application.decision_message,
        "url": _absolute(pioneer.get_absolute_url()) if pioneer else "",
    }
    recipients = member_emails(application.enterprise)
    template = f"decision_{decision}"
    transaction.on_commit(lambda: _mail(template, recipients, context))
    return application


# --- Tracking ---------------------------------------------------------------------------------
# Staff keep a pioneer's track: the track itself, its log, milestones, support plan, lessons and
# extra mengpaneel elements. Each write checks the actor, validates the record with the model's
# own rules (``full_clean``), saves, tells the cached programme pages (caches.py) and records the
# audit entry in one transaction.


TrackRecord = TypeVar("TrackRecord", Milestone, SupportItem)


def _may_track(by: User) -> None:
    if not permissions.can_track(by):
        raise PermissionDenied


def _save_checked(record: models.Model, fields: Mapping[str, object]) -> list[str]:
    """Set ``fields`` on ``record``, validate it as the model says and save it; returns the
    names of the fields whose value changed (all of them for a new record)."""
    if record.pk is None:
        changed = list(fields)
    else:
        changed = [name for name, value in fields.items() if getattr(record, name) != value]
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    caches.programme_changed()
    return changed


def _new_or_own(
    model: type[TrackRecord], record: TrackRecord | None, pioneer: Pioneer
) -> TrackRecord:
    """A new record of this pioneer, or ``record`` locked for the change if it is this pioneer's;
    refused otherwise."""
    if record is None:
        return model(pioneer=pioneer)
    rows = model._default_manager.select_for_update()
    locked = rows.filter(pk=record.pk, pioneer=pioneer).first()
    if locked is None:
        raise PermissionDenied
    return locked


@transaction.atomic
def update_track(
    pioneer: Pioneer,
    *,
    by: User,
    ambition: str,
    flywheel_type: str,
    flywheel_plan: str,
    active: bool,
    show_on_programme_page: bool,
    show_ambition_publicly: bool,
) -> Pioneer:
    """Staff change the ambition, the flywheel plan, whether the track is active and what the
    pioneer agreed may be shown publicly."""
    _may_track(by)
    pioneer = Pioneer.objects.select_for_update().get(pk=pioneer.pk)
    changed = _save_checked(
        pioneer,
        {
            "ambition": ambition,
            "flywheel_type": flywheel_type,
            "flywheel_plan": flywheel_plan,
            "active": active,
            "show_on_programme_page": show_on_programme_page,
            "show_ambition_publicly": show_ambition_publicly,
        },
    )
    audit.record(by, audit.Action.TRACK_CHANGED, pioneer, fields=changed)
    return pioneer


@transaction.atomic
def add_log_entry(
    pioneer: Pioneer, *, by: User, kind: str, date: date, text: str, visibility: str
) -> LogEntry:
    """A meeting, interview or note in the pioneer's log, written by ``by``."""
    _may_track(by)
    entry = LogEntry(pioneer=pioneer, author=by)
    _save_checked(entry, {"kind": kind, "date": date, "text": text, "visibility": visibility})
    audit.record(
        by,
        audit.Action.LOG_ENTRY_ADDED,
        entry,
        pioneer=pioneer.pk,
        kind=kind,
        visibility=visibility,
    )
    return entry


@transaction.atomic
def save_milestone(
    pioneer: Pioneer,
    *,
    by: User,
    milestone: Milestone | None = None,
    title: str,
    due_date: date,
    status: str,
    achieved_on: date | None,
    evidence: str,
) -> Milestone:
    """A new milestone, or a change to one of this pioneer's milestones. An achieved milestone
    without a date is achieved today (``Milestone.clean``)."""
    _may_track(by)
    milestone = _new_or_own(Milestone, milestone, pioneer)
    action = audit.Action.MILESTONE_CHANGED if milestone.pk else audit.Action.MILESTONE_ADDED
    changed = _save_checked(
        milestone,
        {
            "title": title,
            "due_date": due_date,
            "status": status,
            "achieved_on": achieved_on,
            "evidence": evidence,
        },
    )
    audit.record(by, action, milestone, pioneer=pioneer.pk, status=milestone.status, fields=changed)
    return milestone


@transaction.atomic
def save_support_item(
    pioneer: Pioneer,
    *,
    by: User,
    item: SupportItem | None = None,
    area: Area,
    description: str,
    expert: Expert | None,
    hours_planned: int,
    hours_spent: int,
    status: str,
) -> SupportItem:
    """A new part of the pioneer's support plan, or a change to one of its parts."""
    _may_track(by)
    item = _new_or_own(SupportItem, item, pioneer)
    action = audit.Action.SUPPORT_ITEM_CHANGED if item.pk else audit.Action.SUPPORT_ITEM_ADDED
    changed = _save_checked(
        item,
        {
            "area": area,
            "description": description,
            "expert": expert,
            "hours_planned": hours_planned,
            "hours_spent": hours_spent,
            "status": status,
        },
    )
    audit.record(
        by,
        action,
        item,
        pioneer=pioneer.pk,
        status=item.status,
        hours_planned=item.hours_planned,
        hours_spent=item.hours_spent,
        fields=changed,
    )
    return item


@transaction.atomic
def add_lesson(pioneer: Pioneer, *, by: User, title: str, text: str) -> Lesson:
    """A lesson learned, as a draft: only staff see it until it is published."""
    _may_track(by)
    lesson = Lesson(pioneer=pioneer, created_by=by)
    _save_checked(lesson, {"title": title, "text": text})
    audit.record(by, audit.Action.LESSON_ADDED, lesson, pioneer=pioneer.pk)
    return lesson


@transaction.atomic
def publish_lesson(lesson: Lesson, *, by: User) -> Lesson:
    """Staff publish a lesson learned: the programme page and the knowledge base may show it."""
    _may_track(by)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if not lesson.published:
        lesson.published = True
        lesson.published_at = timezone.now()
        lesson.save(update_fields=["published", "published_at"])
        caches.programme_changed()
        audit.record(by, audit.Action.LESSON_PUBLISHED, lesson, pioneer=lesson.pioneer_id)
    return lesson


@transaction.atomic
def unpublish_lesson(lesson: Lesson, *, by: User) -> Lesson:
    """Staff withdraw a published lesson: it is a draft again."""
    _may_track(by)
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if lesson.published:
        lesson.published = False
        lesson.published_at = None
        lesson.save(update_fields=["published", "published_at"])
        caches.programme_changed()
        audit.record(by, audit.Action.LESSON_UNPUBLISHED, lesson, pioneer=lesson.pioneer_id)
    return lesson


_ADMIN_ACTIONS = {
    LogEntry: {
        "added": audit.Action.LOG_ENTRY_ADDED,
        "changed": audit.Action.LOG_ENTRY_CHANGED,
        "removed": audit.Action.LOG_ENTRY_REMOVED,
    },
    Milestone: {
        "added": audit.Action.MILESTONE_ADDED,
        "changed": audit.Action.MILESTONE_CHANGED,
        "removed": audit.Action.MILESTONE_REMOVED,
    },
    SupportItem: {
        "added": audit.Action.SUPPORT_ITEM_ADDED,
        "changed": audit.Action.SUPPORT_ITEM_CHANGED,
        "removed": audit.Action.SUPPORT_ITEM_REMOVED,
    },
    Lesson: {
        "added": audit.Action.LESSON_ADDED,
        "changed": audit.Action.LESSON_CHANGED,
        "removed": audit.Action.LESSON_REMOVED,
    },
}
ADMIN_AUDITED = tuple(_ADMIN_ACTIONS)


@transaction.atomic
def record_admin_change(
    record: models.Model, *, by: User, change: str, fields: Iterable[str] = ()
) -> None:
    """Staff changed a record of a track in the Django admin, which saves (or deletes) it
    itself: the entry the track's services write, marked ``in_admin``. ``change`` is "added",
    "changed" or "removed" (call it before the delete, while the record has its number)."""
    action = _ADMIN_ACTIONS[type(record)][change]
    pioneer = getattr(record, "pioneer_id", None)
    audit.record(by, action, record, pioneer=pioneer, fields=sorted(fields), in_admin=True)


@transaction.atomic
def add_extra_element(pioneer: Pioneer, *, by: User, name: str, low: str, high: str) -> Element:
    """An element only this pioneer has, after the catalogue's elements."""
    _may_track(by)
    slug = slugify(name)[:80] or "element"
    if Element.objects.filter(pioneer__isnull=True, slug=slug).exists() or (
        Element.objects.filter(pioneer=pioneer, slug=slug).exists()
    ):
        raise ValidationError(_("There is already an element with this name."))
    last = Element.objects.order_by("-order").values_list("order", flat=True).first() or 0
    element = Element.objects.create(
        pioneer=pioneer,
        name=name.strip(),
        slug=slug,
        low_meaning=low.strip(),
        high_meaning=high.strip(),
        order=last + 10,
    )
    caches.programme_changed()
    audit.record(by, audit.Action.ELEMENT_ADDED, element, pioneer=pioneer.pk)
    return element


@dataclass(frozen=True)
class FaderInput:
    element: Element
    position: int
    note: str = ""


@transaction.atomic
def record_reading(
    pioneer: Pioneer, *, by: User, taken_on: date, values: Iterable[FaderInput], note: str = ""
) -> Reading:
    """A new reading of the mengpaneel. Earlier readings are never changed."""
    if not permissions.can_track(by):
        raise PermissionDenied
    values = list(values)
    if not values:
        raise ValidationError(_("Set at least one fader."))
    allowed = {element.pk for element in selectors.elements_for(pioneer)}
    for value in values:
        if value.element.pk not in allowed:
            raise ValidationError(_("This element is not on this pioneer's mengpaneel."))
        if not POSITION_MIN <= value.position <= POSITION_MAX:
            raise ValidationError(_("A position lies between 0 and 100."))
    reading = Reading.objects.create(pioneer=pioneer, taken_on=taken_on, taken_by=by, note=note)
    ReadingValue.objects.bulk_create(
        [
            ReadingValue(
                reading=reading, element=value.element, position=value.position, note=value.note
            )
            for value in values
        ]
    )
    caches.programme_changed()
    audit.record(
        by,
        audit.Action.READING_RECORDED,
        reading,
        pioneer=pioneer.pk,
        faders={str(value.element.pk): value.position for value in values},
    )
    return reading
