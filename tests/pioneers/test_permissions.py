"""Every programme URL for every role: a pioneer sees only its own shared items, another
resident sees nothing of a track, reviewers' scores are for staff only."""

import pytest
from django.urls import reverse

from pioneers.models import Area
from tests.factories import (
    ExpertFactory,
    LessonFactory,
    LogEntryFactory,
    MilestoneFactory,
    SupportItemFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other_resident", "member", "staff")
LOGIN = 302  # anonymous visitors are sent to the log-in page first

# url name -> expected status for anonymous, another resident, a member of the pioneer, staff
MATRIX = {
    "index": (200, 200, 200, 200),
    "apply": (LOGIN, 200, 200, 200),
    "application": (LOGIN, 404, 200, 404),
    "review_list": (LOGIN, 404, 404, 200),
    "review": (LOGIN, 404, 404, 200),
    "dashboard": (LOGIN, 404, 404, 200),
    "pioneer": (LOGIN, 404, 200, 200),
    "log": (LOGIN, 404, 200, 200),
    "history": (LOGIN, 404, 200, 200),
    "reading_new": (LOGIN, 404, 404, 200),
    "element_new": (LOGIN, 404, 404, 200),
    "pioneer_edit": (LOGIN, 404, 404, 200),
    "log_new": (LOGIN, 404, 404, 200),
    "milestone_new": (LOGIN, 404, 404, 200),
    "milestone_edit": (LOGIN, 404, 404, 200),
    "support_new": (LOGIN, 404, 404, 200),
    "support_edit": (LOGIN, 404, 404, 200),
    "lesson_new": (LOGIN, 404, 404, 200),
    "lessons": (LOGIN, 404, 404, 200),
    "compare": (LOGIN, 404, 404, 200),
    "experts": (LOGIN, 404, 404, 200),
    "expert": (LOGIN, 404, 404, 200),
}


@pytest.fixture
def urls(pioneer, submitted_application):
    slug = pioneer.slug
    milestone = MilestoneFactory(pioneer=pioneer)
    item = SupportItemFactory(pioneer=pioneer)
    expert = ExpertFactory(areas=[Area.objects.first()])
    return {
        "index": reverse("pioneers:index"),
        "apply": reverse("pioneers:apply"),
        "application": reverse("pioneers:application", args=[submitted_application.pk]),
        "review_list": reverse("pioneers:review_list"),
        "review": reverse("pioneers:review", args=[submitted_application.pk]),
        "dashboard": reverse("pioneers:dashboard"),
        "pioneer": reverse("pioneers:pioneer", args=[slug]),
        "log": reverse("pioneers:log", args=[slug]),
        "history": reverse("pioneers:history", args=[slug]),
        "reading_new": reverse("pioneers:reading_new", args=[slug]),
        "element_new": reverse("pioneers:element_new", args=[slug]),
        "pioneer_edit": reverse("pioneers:pioneer_edit", args=[slug]),
        "log_new": reverse("pioneers:log_new", args=[slug]),
        "milestone_new": reverse("pioneers:milestone_new", args=[slug]),
        "milestone_edit": reverse("pioneers:milestone_edit", args=[slug, milestone.pk]),
        "support_new": reverse("pioneers:support_new", args=[slug]),
        "support_edit": reverse("pioneers:support_edit", args=[slug, item.pk]),
        "lesson_new": reverse("pioneers:lesson_new", args=[slug]),
        "lessons": reverse("pioneers:lessons", args=[slug]),
        "compare": reverse("pioneers:compare", args=["eigenaarschap"]),
        "experts": reverse("pioneers:experts"),
        "expert": reverse("pioneers:expert", args=[expert.pk]),
    }


@pytest.fixture
def as_role(client, request, member, staff, other_resident):
    def log_in(role):
        users = {"member": member, "staff": staff, "other_resident": other_resident}
        if role in users:
            client.force_login(users[role])
        return client

    return log_in


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize("name", MATRIX)
def test_every_url_answers_each_role_as_expected(as_role, urls, name, role_index):
    client = as_role(ROLES[role_index])
    response = client.get(urls[name])
    assert response.status_code == MATRIX[name][role_index], (name, ROLES[role_index])


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("other_resident", 404), ("member", 404), ("staff", 302)],
)
def test_only_staff_publish_lessons(as_role, pioneer, role, expected):
    lesson = LessonFactory(pioneer=pioneer)
    client = as_role(role)
    url = reverse("pioneers:lesson_publish", args=[pioneer.slug, lesson.pk])
    assert client.post(url).status_code == expected
    lesson.refresh_from_db()
    assert lesson.published is (role == "staff")


@pytest.mark.parametrize("role", ["other_resident", "member"])
def test_residents_cannot_post_to_tracking_forms(as_role, pioneer, role):
    client = as_role(role)
    url = reverse("pioneers:log_new", args=[pioneer.slug])
    data = {"kind": "notitie", "date": "2026-01-01", "text": "x", "visibility": "gedeeld"}
    assert client.post(url, data).status_code == 404
    assert not pioneer.log_entries.exists()


def test_a_pioneer_sees_only_its_own_shared_log_entries(client, member, pioneer):
    LogEntryFactory(pioneer=pioneer, text="Gedeelde afspraak", visibility="gedeeld")
    LogEntryFactory(pioneer=pioneer, text="Interne zorg over het bestuur", visibility="intern")
    LessonFactory(pioneer=pioneer, title="Nog niet gepubliceerde les")
    client.force_login(member)
    for name in ("pioneer", "log"):
        html = client.get(reverse(f"pioneers:{name}", args=[pioneer.slug])).content.decode()
        assert "Gedeelde afspraak" in html
        assert "Interne zorg" not in html
        assert "Nog niet gepubliceerde les" not in html


def test_staff_see_internal_entries_marked_as_internal(client, staff, pioneer):
    LogEntryFactory(pioneer=pioneer, text="Interne zorg over het bestuur", visibility="intern")
    client.force_login(staff)
    html = client.get(reverse("pioneers:pioneer", args=[pioneer.slug])).content.decode()
    assert "Interne zorg over het bestuur" in html
    assert "intern</span>" in html


def test_a_member_of_another_pioneer_sees_nothing_of_this_one(client, pioneer):
    from tests.factories import MembershipFactory, PioneerFactory, UserFactory

    neighbour = UserFactory()
    other = PioneerFactory(cohort=pioneer.cohort)
    MembershipFactory(enterprise=other.enterprise, user=neighbour)
    client.force_login(neighbour)
    assert client.get(reverse("pioneers:pioneer", args=[pioneer.slug])).status_code == 404
    assert client.get(reverse("pioneers:pioneer", args=[other.slug])).status_code == 200
