"""The writes of a pioneer's track go through services: each writes, records who did what in the
audit log, and refuses anyone but programme staff without changing anything or logging it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lsa_portal.models import AuditAction, AuditEntry
from pioneers import services
from pioneers.forms import MilestoneForm
from pioneers.models import (
    Area,
    Element,
    Lesson,
    LogEntry,
    LogKind,
    Milestone,
    MilestoneStatus,
    Pioneer,
    SupportItem,
    SupportStatus,
    Visibility,
)
from tests.factories import (
    ExpertFactory,
    LessonFactory,
    MilestoneFactory,
    PioneerFactory,
    SupportItemFactory,
)

pytestmark = pytest.mark.django_db


def _entries():
    """The audit log but the staff fixture's own entry (giving the role is audited too)."""
    return AuditEntry.objects.exclude(action=AuditAction.ROLES_CHANGED)


def _only_entry(action):
    """The one audit entry of the test, which must be of ``action``."""
    entry = _entries().get()
    assert entry.action == action
    return entry


def _track():
    return {
        "ambition": "Het badhuis in eigen bezit",
        "flywheel_type": "gebouw-kopen",
        "flywheel_plan": "Kopen met een maatschappelijke hypotheek",
        "active": True,
        "show_on_programme_page": True,
        "show_ambition_publicly": False,
    }


# --- The track itself ---------------------------------------------------------------------------


def test_staff_change_the_track_and_the_entry_names_them_and_the_changed_fields(staff, pioneer):
    services.update_track(pioneer, by=staff, **_track())
    pioneer.refresh_from_db()
    assert pioneer.ambition == "Het badhuis in eigen bezit" and pioneer.show_on_programme_page
    entry = _only_entry(AuditAction.TRACK_CHANGED)
    assert entry.actor == staff and entry.target_id == str(pioneer.pk)
    # Only what differed from the factory's track: its flywheel type was already
    # gebouw-kopen, it was active and showed no ambition publicly.
    assert entry.details == {"fields": ["ambition", "flywheel_plan", "show_on_programme_page"]}


def test_a_member_cannot_change_the_track(member, pioneer):
    with pytest.raises(PermissionDenied):
        services.update_track(pioneer, by=member, **_track())
    pioneer.refresh_from_db()
    assert pioneer.ambition == "Het oude badhuis van de bewoners."
    assert not pioneer.show_on_programme_page
    assert not _entries().exists()


# --- The log ------------------------------------------------------------------------------------


def _log_entry(**overrides):
    return {
        "kind": LogKind.MEETING,
        "date": date(2026, 3, 1),
        "text": "Gesprek met de corporatie",
        "visibility": Visibility.SHARED,
    } | overrides


def test_staff_add_a_log_entry_written_by_them(staff, pioneer):
    entry = services.add_log_entry(pioneer, by=staff, **_log_entry())
    assert LogEntry.objects.get() == entry and entry.author == staff
    audit = _only_entry(AuditAction.LOG_ENTRY_ADDED)
    assert audit.actor == staff and audit.target_id == str(entry.pk)
    assert audit.details == {"pioneer": pioneer.pk, "kind": "overleg", "visibility": "gedeeld"}


def test_a_member_cannot_add_a_log_entry(member, pioneer):
    with pytest.raises(PermissionDenied):
        services.add_log_entry(pioneer, by=member, **_log_entry())
    assert not LogEntry.objects.exists() and not _entries().exists()


def test_a_log_entry_of_an_unknown_kind_is_refused_and_nothing_is_written(staff, pioneer):
    with pytest.raises(ValidationError):
        services.add_log_entry(pioneer, by=staff, **_log_entry(kind="roddel"))
    assert not LogEntry.objects.exists() and not _entries().exists()


# --- Milestones ---------------------------------------------------------------------------------


def _milestone(**overrides):
    return {
        "title": "Koopakte getekend",
        "due_date": date(2027, 6, 30),
        "status": MilestoneStatus.PLANNED,
        "achieved_on": None,
        "evidence": "",
    } | overrides


def test_staff_add_a_milestone(staff, pioneer):
    milestone = services.save_milestone(pioneer, by=staff, **_milestone())
    assert Milestone.objects.get() == milestone and milestone.pioneer == pioneer
    assert milestone.achieved_on is None
    entry = _only_entry(AuditAction.MILESTONE_ADDED)
    assert entry.actor == staff and entry.target_id == str(milestone.pk)
    assert entry.details["status"] == "gepland" and entry.details["pioneer"] == pioneer.pk


def test_staff_change_a_milestone_and_the_entry_names_what_changed(staff, pioneer):
    milestone = MilestoneFactory(
        pioneer=pioneer, title="Koopakte getekend", due_date=date(2027, 6, 30)
    )
    services.save_milestone(
        pioneer,
        by=staff,
        milestone=milestone,
        **_milestone(status=MilestoneStatus.DELAYED, due_date=date(2027, 9, 30)),
    )
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DELAYED and milestone.due_date == date(2027, 9, 30)
    entry = _only_entry(AuditAction.MILESTONE_CHANGED)
    assert entry.actor == staff
    assert entry.details == {
        "pioneer": pioneer.pk,
        "status": "vertraagd",
        "fields": ["due_date", "status"],
    }


def test_an_achieved_milestone_without_a_date_is_achieved_today(staff, pioneer):
    milestone = services.save_milestone(
        pioneer, by=staff, **_milestone(status=MilestoneStatus.ACHIEVED)
    )
    milestone.refresh_from_db()
    assert milestone.achieved_on == timezone.localdate()


def test_an_achieved_milestone_keeps_the_date_it_was_given(staff, pioneer):
    milestone = services.save_milestone(
        pioneer,
        by=staff,
        **_milestone(status=MilestoneStatus.ACHIEVED, achieved_on=date(2026, 2, 14)),
    )
    milestone.refresh_from_db()
    assert milestone.achieved_on == date(2026, 2, 14)


def test_a_milestone_not_achieved_gets_no_date(staff, pioneer):
    milestone = services.save_milestone(
        pioneer, by=staff, **_milestone(status=MilestoneStatus.IN_PROGRESS)
    )
    milestone.refresh_from_db()
    assert milestone.achieved_on is None


def test_the_milestone_form_fills_in_today_for_an_achieved_milestone(pioneer):
    form = MilestoneForm(
        {"title": "Koopakte", "due_date": "30-06-2027", "status": MilestoneStatus.ACHIEVED},
        instance=Milestone(pioneer=pioneer),
    )
    assert form.is_valid(), form.errors
    assert form.instance.achieved_on == timezone.localdate()
    assert not form.errors


def test_the_milestone_form_page_saves_an_achieved_milestone_as_achieved_today(
    client, staff, pioneer
):
    client.force_login(staff)
    response = client.post(
        reverse("pioneers:milestone_new", args=[pioneer.slug]),
        {"title": "Koopakte", "due_date": "2027-06-30", "status": "behaald"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == pioneer.get_absolute_url()
    assert "De mijlpaal is opgeslagen." in response.content.decode()
    milestone = pioneer.milestones.get()
    assert milestone.achieved_on == timezone.localdate()
    assert _only_entry(AuditAction.MILESTONE_ADDED).actor == staff


def test_a_member_cannot_add_or_change_a_milestone(member, pioneer):
    milestone = MilestoneFactory(pioneer=pioneer, title="Oud")
    with pytest.raises(PermissionDenied):
        services.save_milestone(pioneer, by=member, **_milestone())
    with pytest.raises(PermissionDenied):
        services.save_milestone(pioneer, by=member, milestone=milestone, **_milestone())
    milestone.refresh_from_db()
    assert milestone.title == "Oud" and Milestone.objects.count() == 1
    assert not _entries().exists()


def test_a_milestone_of_another_pioneer_cannot_be_changed_through_this_one(staff, pioneer):
    theirs = MilestoneFactory(pioneer=PioneerFactory(cohort=pioneer.cohort), title="Van hen")
    with pytest.raises(PermissionDenied):
        services.save_milestone(pioneer, by=staff, milestone=theirs, **_milestone())
    theirs.refresh_from_db()
    assert theirs.title == "Van hen" and theirs.pioneer != pioneer
    assert not _entries().exists()


# --- The support plan ---------------------------------------------------------------------------


def _support(**overrides):
    return {
        "area": Area.objects.get(slug="vastgoed"),
        "description": "Hulp bij de taxatie",
        "expert": None,
        "hours_planned": 20,
        "hours_spent": 0,
        "status": SupportStatus.PLANNED,
    } | overrides


def test_staff_add_a_support_item(staff, pioneer):
    expert = ExpertFactory()
    item = services.save_support_item(pioneer, by=staff, **_support(expert=expert))
    assert SupportItem.objects.get() == item and item.expert == expert
    entry = _only_entry(AuditAction.SUPPORT_ITEM_ADDED)
    assert entry.actor == staff and entry.target_id == str(item.pk)
    assert entry.details["hours_planned"] == 20 and entry.details["status"] == "gepland"


def test_staff_change_a_support_item(staff, pioneer):
    item = SupportItemFactory(pioneer=pioneer, area=Area.objects.get(slug="vastgoed"))
    services.save_support_item(
        pioneer,
        by=staff,
        item=item,
        **_support(hours_planned=20, hours_spent=26, status=SupportStatus.IN_PROGRESS),
    )
    item.refresh_from_db()
    assert item.hours_spent == 26 and item.over_budget
    entry = _only_entry(AuditAction.SUPPORT_ITEM_CHANGED)
    assert entry.actor == staff
    # The factory planned 20 and spent 5 hours: the hours spent and the status changed.
    assert entry.details["fields"] == ["hours_spent", "status"]


def test_a_member_cannot_add_or_change_a_support_item(member, pioneer):
    item = SupportItemFactory(pioneer=pioneer, hours_spent=5)
    with pytest.raises(PermissionDenied):
        services.save_support_item(pioneer, by=member, **_support())
    with pytest.raises(PermissionDenied):
        services.save_support_item(pioneer, by=member, item=item, **_support(hours_spent=99))
    item.refresh_from_db()
    assert item.hours_spent == 5 and SupportItem.objects.count() == 1
    assert not _entries().exists()


def test_a_support_item_of_another_pioneer_cannot_be_changed_through_this_one(staff, pioneer):
    theirs = SupportItemFactory(pioneer=PioneerFactory(cohort=pioneer.cohort), hours_spent=5)
    with pytest.raises(PermissionDenied):
        services.save_support_item(pioneer, by=staff, item=theirs, **_support(hours_spent=99))
    theirs.refresh_from_db()
    assert theirs.hours_spent == 5 and not _entries().exists()


# --- Lessons --------------------------------------------------------------------------------------


def test_staff_add_a_lesson_as_a_draft(staff, pioneer):
    lesson = services.add_lesson(pioneer, by=staff, title="Huur eerst", text="Dan kopen.")
    assert Lesson.objects.get() == lesson
    assert lesson.created_by == staff and not lesson.published
    entry = _only_entry(AuditAction.LESSON_ADDED)
    assert entry.actor == staff and entry.details == {"pioneer": pioneer.pk}


def test_a_member_cannot_add_a_lesson(member, pioneer):
    with pytest.raises(PermissionDenied):
        services.add_lesson(pioneer, by=member, title="Huur eerst", text="Dan kopen.")
    assert not Lesson.objects.exists() and not _entries().exists()


def test_publishing_and_withdrawing_a_lesson_are_each_recorded_once(staff, pioneer):
    lesson = LessonFactory(pioneer=pioneer)
    services.publish_lesson(lesson, by=staff)
    services.publish_lesson(lesson, by=staff)  # already published: nothing happens
    lesson.refresh_from_db()
    assert lesson.published and lesson.published_at
    services.unpublish_lesson(lesson, by=staff)
    lesson.refresh_from_db()
    assert not lesson.published and lesson.published_at is None
    entries = list(_entries().order_by("pk").values_list("action", "actor"))
    assert entries == [
        (AuditAction.LESSON_PUBLISHED, staff.pk),
        (AuditAction.LESSON_UNPUBLISHED, staff.pk),
    ]


def test_a_member_cannot_publish_or_withdraw_a_lesson(member, pioneer):
    draft = LessonFactory(pioneer=pioneer)
    published = LessonFactory(pioneer=pioneer, published=True, published_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.publish_lesson(draft, by=member)
    with pytest.raises(PermissionDenied):
        services.unpublish_lesson(published, by=member)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert not draft.published and published.published
    assert not _entries().exists()


# --- Extra elements of the mengpaneel -------------------------------------------------------------


def test_staff_add_an_extra_element(staff, pioneer):
    element = services.add_extra_element(
        pioneer, by=staff, name="Ledenbetrokkenheid", low="Passief", high="Actief"
    )
    assert element.pioneer == pioneer and element.slug == "ledenbetrokkenheid"
    entry = _only_entry(AuditAction.ELEMENT_ADDED)
    assert entry.actor == staff and entry.details == {"pioneer": pioneer.pk}


def test_a_member_cannot_add_an_extra_element(member, pioneer):
    with pytest.raises(PermissionDenied):
        services.add_extra_element(
            pioneer, by=member, name="Ledenbetrokkenheid", low="Passief", high="Actief"
        )
    assert not Element.objects.filter(pioneer=pioneer).exists()
    assert not _entries().exists()


def test_an_extra_element_with_a_catalogue_name_is_refused_without_an_entry(staff, pioneer):
    with pytest.raises(ValidationError):
        services.add_extra_element(pioneer, by=staff, name="Zeggenschap", low="a", high="b")
    assert not Element.objects.filter(pioneer=pioneer).exists()
    assert not _entries().exists()


# --- Through the pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "data", "action", "message"),
    [
        (
            "pioneer_edit",
            {"ambition": "Groot", "flywheel_type": "gebouw-kopen", "active": "on"},
            AuditAction.TRACK_CHANGED,
            "Het traject is opgeslagen.",
        ),
        (
            "log_new",
            {"kind": "notitie", "date": "1-3-2026", "text": "Belafspraak", "visibility": "intern"},
            AuditAction.LOG_ENTRY_ADDED,
            "De logboekregel is opgeslagen.",
        ),
        (
            "support_new",
            {
                "area": "vastgoed",
                "description": "Taxatie",
                "hours_planned": "8",
                "hours_spent": "0",
                "status": "gepland",
            },
            AuditAction.SUPPORT_ITEM_ADDED,
            "Het ondersteuningsplan is opgeslagen.",
        ),
        (
            "lesson_new",
            {"title": "Huur eerst", "text": "Dan kopen."},
            AuditAction.LESSON_ADDED,
            "De les is opgeslagen.",
        ),
    ],
)
def test_each_tracking_page_writes_through_its_service(
    client, staff, pioneer, url_name, data, action, message
):
    if "area" in data:
        data = data | {"area": str(Area.objects.get(slug=data["area"]).pk)}
    client.force_login(staff)
    response = client.post(reverse(f"pioneers:{url_name}", args=[pioneer.slug]), data, follow=True)
    assert response.redirect_chain == [(pioneer.get_absolute_url(), 302)]
    assert message in response.content.decode()
    entry = _only_entry(action)
    assert entry.actor == staff
    assert Pioneer.objects.get(pk=pioneer.pk).ambition == (
        "Groot" if url_name == "pioneer_edit" else "Het oude badhuis van de bewoners."
    )
