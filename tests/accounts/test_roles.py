"""The user of a request comes with its roles in one query; a change of role counts from the
next request on, and a deactivated account is logged out."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import MUNICIPAL_GROUP, STAFF_GROUP, is_lsa_staff, is_municipal_officer
from tests.factories import MunicipalOfficerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_page_reads_the_user_and_its_roles_in_one_query(client, django_assert_num_queries):
    client.force_login(StaffFactory())
    client.get(reverse("pioneers:dashboard"))  # the dashboard is cached now
    with django_assert_num_queries(1):
        assert client.get(reverse("pioneers:dashboard")).status_code == 200


@pytest.mark.parametrize(
    ("factory", "staff", "officer"),
    [
        (UserFactory, False, False),
        (StaffFactory, True, False),
        (MunicipalOfficerFactory, False, True),
    ],
)
def test_the_roles_loaded_with_the_user_are_the_user_groups(rf, factory, staff, officer):
    from accounts.roles import user_with_roles

    user = factory()
    user.groups.add(Group.objects.create(name="Nieuwsbrief-redactie"))  # not a role
    loaded = user_with_roles(user.pk)
    assert (is_lsa_staff(loaded), is_municipal_officer(loaded)) == (staff, officer)
    assert user_with_roles(user.pk + 1000) is None


def test_losing_the_staff_role_counts_from_the_next_request(client):
    staff = StaffFactory()
    client.force_login(staff)
    url = reverse("pioneers:dashboard")
    assert client.get(url).status_code == 200
    staff.groups.remove(Group.objects.get(name=STAFF_GROUP))
    assert client.get(url).status_code == 404
    staff.groups.add(Group.objects.get(name=STAFF_GROUP))
    assert client.get(url).status_code == 200


def test_gaining_the_officer_role_counts_from_the_next_request(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("municipalities:link_request", args=["nergens"])
    assert client.get(url).status_code == 403
    user.groups.add(Group.objects.get_or_create(name=MUNICIPAL_GROUP)[0])
    assert client.get(url).status_code == 404  # an officer now; the municipality is unknown


def test_a_deactivated_account_is_logged_out(client):
    user = StaffFactory()
    client.force_login(user)
    assert client.get(reverse("pioneers:dashboard")).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(reverse("pioneers:dashboard")).status_code == 302  # to the log-in page


def test_a_log_in_with_the_form_keeps_roles_with_the_user(client, django_assert_num_queries):
    StaffFactory(email="rollen@example.org")
    response = client.post(
        reverse("account_login"),
        {"login": "rollen@example.org", "password": "Een-lang-wachtwoord-42"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"].startswith("accounts.backends.")
    client.get(reverse("pioneers:dashboard"))
    with django_assert_num_queries(1):
        assert client.get(reverse("pioneers:dashboard")).status_code == 200
