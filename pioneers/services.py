"""Everything that changes state in the WijkBV programme. Each function checks the transition,
writes, records who did it and sends the mail that goes with it (after the commit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.services import member_emails
from lsa_portal import audit
from lsa_portal.mail import absolute_url, send_templated

from . import permissions, selectors
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
    Lesson,
    Pioneer,
    Reading,
    ReadingValue,
    ReviewScore,
    SupportNeed,
)

RESERVED_SLUGS = {"nieuw", "mengpaneel", "experts"}


def _mail(template: str, recipients: list[str], context: dict) -> None:
    send_templated(f"pioneers/mail/{template}", recipients, context)


_absolute = absolute_url


# --- Applications ----------------------------------------------------------------------------


def start_application(*, user, enterprise: Enterprise, cohort: Cohort) -> Application:
    """A member of a published enterprise starts (or returns to) its draft for an open cohort."""
    if not permissions.can_apply_for(user, enterprise):
        raise PermissionDenied
    existing = Application.objects.filter(enterprise=enterprise, cohort=cohort).first()
    if existing is not None:
        return existing
    if not cohort.accepts_applications(timezone.localdate()):
        raise ValidationError(_("This cohort does not accept applications now."))
    try:
        with transaction.atomic():
            return Application.objects.create(
                enterprise=enterprise, cohort=cohort, created_by=user, contact_email=user.email
            )
    except IntegrityError:  # two members started at the same moment: one application
        return Application.objects.get(enterprise=enterprise, cohort=cohort)


def save_support_needs(application: Application, needs: Mapping[Area, str]) -> None:
    """Keep exactly the areas with a described need."""
    keep = {area.pk: text.strip() for area, text in needs.items() if text and text.strip()}
    application.support_needs.exclude(area_id__in=keep).delete()
    for area_id, text in keep.items():
        SupportNeed.objects.update_or_create(
            application=application, area_id=area_id, defaults={"description": text}
        )


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
def submit_application(application: Application, *, by, today: date | None = None) -> Application:
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
    return application


@transaction.atomic
def score_application(
    application: Application, *, reviewer, scores: Mapping[str, tuple[int, str]]
) -> None:
    """A reviewer (staff) scores the criteria 1–5 with a comment; scoring again replaces their
    own earlier scores, never another reviewer's."""
    if not permissions.can_review(reviewer):
        raise PermissionDenied
    if application.is_draft:
        raise ValidationError(_("A draft cannot be reviewed yet."))
    for criterion, (score, comment) in scores.items():
        if criterion not in Criterion.values:
            raise ValidationError(_("Unknown criterion."))
        ReviewScore.objects.update_or_create(
            application=application,
            reviewer=reviewer,
            criterion=criterion,
            defaults={"score": score, "comment": comment.strip()},
        )


def unique_pioneer_slug(enterprise: Enterprise, cohort: Cohort) -> str:
    base = enterprise.slug if enterprise.slug not in RESERVED_SLUGS else f"{enterprise.slug}-1"
    if not Pioneer.objects.filter(slug=base).exists():
        return base
    return f"{base}-{slugify(cohort.slug)}"[:170]


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
def decide(application: Application, *, by, decision: str, message: str = "") -> Application:
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
                slug=unique_pioneer_slug(application.enterprise, cohort),
                started_on=max(cohort.period_start, timezone.localdate()),
                ambition=application.answer_ambition,
                flywheel_type=application.flywheel_type,
                flywheel_plan=application.answer_flywheel,
            )
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


@transaction.atomic
def publish_lesson(lesson: Lesson, *, by) -> Lesson:
    """Staff publish a lesson learned: the programme page and the knowledge base may show it."""
    if not permissions.can_track(by):
        raise PermissionDenied
    if not lesson.published:
        lesson.published = True
        lesson.published_at = timezone.now()
        lesson.save(update_fields=["published", "published_at"])
    return lesson


@transaction.atomic
def unpublish_lesson(lesson: Lesson, *, by) -> Lesson:
    if not permissions.can_track(by):
        raise PermissionDenied
    lesson.published = False
    lesson.published_at = None
    lesson.save(update_fields=["published", "published_at"])
    return lesson


def add_extra_element(pioneer: Pioneer, *, name: str, low: str, high: str) -> Element:
    """An element only this pioneer has, after the catalogue's elements."""
    slug = slugify(name)[:80] or "element"
    if Element.objects.filter(pioneer__isnull=True, slug=slug).exists() or (
        Element.objects.filter(pioneer=pioneer, slug=slug).exists()
    ):
        raise ValidationError(_("There is already an element with this name."))
    last = Element.objects.order_by("-order").values_list("order", flat=True).first() or 0
    return Element.objects.create(
        pioneer=pioneer,
        name=name.strip(),
        slug=slug,
        low_meaning=low.strip(),
        high_meaning=high.strip(),
        order=last + 10,
    )


@dataclass(frozen=True)
class FaderInput:
    element: Element
    position: int
    note: str = ""


@transaction.atomic
def record_reading(
    pioneer: Pioneer, *, by, taken_on: date, values: Iterable[FaderInput], note: str = ""
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
    audit.record(
        by,
        audit.Action.READING_RECORDED,
        reading,
        pioneer=pioneer.pk,
        faders={str(value.element.pk): value.position for value in values},
    )
    return reading
