"""The public programme page is kept in a cache: what staff and members change through their
forms shows at once, the application window opens and closes on its day, and staff's own
links never reach anyone else."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CohortFactory,
    EnterpriseFactory,
    LessonFactory,
    PioneerFactory,
    profile_form_data,
)

pytestmark = pytest.mark.django_db

URL = "/wijkbv/"


def _page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _consent(pioneer, **changes) -> dict:
    data = {
        "ambition": pioneer.ambition,
        "flywheel_type": pioneer.flywheel_type,
        "flywheel_plan": pioneer.flywheel_plan,
        "active": "on",
        "show_ambition_publicly": "",
        "show_on_programme_page": "",
    }
    return {**data, **changes}


def test_consent_given_on_the_track_form_shows_the_pioneer_at_once(client, staff, pioneer):
    assert pioneer.enterprise.name not in _page(client)  # cached without the pioneer
    staff_client = Client()
    staff_client.force_login(staff)
    response = staff_client.post(
        reverse("pioneers:pioneer_edit", args=[pioneer.slug]),
        _consent(pioneer, show_on_programme_page="on"),
    )
    assert response.status_code == 302
    assert pioneer.enterprise.name in _page(client)
    staff_client.post(reverse("pioneers:pioneer_edit", args=[pioneer.slug]), _consent(pioneer))
    assert pioneer.enterprise.name not in _page(client)


def test_a_lesson_published_by_staff_shows_at_once(client, staff, pioneer):
    lesson = LessonFactory(pioneer=pioneer, title="Begin bij de huurders")
    assert "Begin bij de huurders" not in _page(client)
    staff_client = Client()
    staff_client.force_login(staff)
    staff_client.post(reverse("pioneers:lesson_publish", args=[pioneer.slug, lesson.pk]))
    assert "Begin bij de huurders" in _page(client)


def test_a_pioneer_renamed_by_its_members_shows_renamed(client, member, pioneer):
    pioneer.show_on_programme_page = True
    pioneer.save()
    _page(client)
    member_client = Client()
    member_client.force_login(member)
    enterprise = pioneer.enterprise
    response = member_client.post(
        reverse("enterprises:edit", kwargs={"slug": enterprise.slug}),
        profile_form_data(enterprise, name="Het Nieuwe Badhuis"),
    )
    assert response.status_code == 302
    assert "Het Nieuwe Badhuis" in _page(client)
    municipality = enterprise.municipality
    municipality.name = "Badhuizen"
    municipality.save()
    assert "Badhuizen" in _page(client)


def test_the_application_window_opens_on_its_day(client):
    today = timezone.localdate()
    CohortFactory(
        name="Lichting van morgen",
        applications_open=today + timedelta(days=1),
        applications_close=today + timedelta(days=30),
    )
    assert "Aanmelden is op dit moment gesloten." in _page(client)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        html = _page(client)
    assert "Aanmelden is op dit moment gesloten." not in html
    assert "Lichting van morgen" in html


def test_staff_links_never_reach_another_visitor(client, staff):
    staff_client = Client()
    staff_client.force_login(staff)
    dashboard = reverse("pioneers:dashboard")
    assert dashboard in _page(staff_client)
    assert dashboard not in _page(client)
    assert dashboard in _page(staff_client)


@pytest.mark.parametrize("size", [1, 8])
def test_programme_page_queries_do_not_grow_with_the_pioneers(
    client, django_assert_num_queries, size
):
    cohort = CohortFactory()
    for number in range(size):
        pioneer = PioneerFactory(
            cohort=cohort,
            enterprise=EnterpriseFactory(name=f"Pionier {number}"),
            show_on_programme_page=True,
        )
        LessonFactory(pioneer=pioneer, published=True, published_at=timezone.now())
    # the pioneers, the current cohort, the open cohorts, the lessons
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.status_code == 200
    with django_assert_num_queries(0):  # an anonymous visitor: all from the cache
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("Pionier ") >= size
