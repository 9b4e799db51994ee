"""Every municipality URL × every role → what that role gets."""

import pytest
from django.urls import reverse

from tests.factories import (
    EnterpriseFactory,
    MunicipalityFactory,
    MunicipalOfficerFactory,
    OfficerLinkFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "resident",
    "unlinked_officer",
    "officer_elsewhere",
    "linked_officer",
    "staff",
]

# url name -> expected status per role, in the order of ROLES.
EXPECTED = {
    "index": [200, 200, 200, 200, 200, 200],
    "detail": [200, 200, 200, 200, 200, 200],
    "link_request": [302, 403, 200, 200, 200, 403],
    "export_csv": [302, 403, 403, 403, 200, 200],
    "export_xlsx": [302, 403, 403, 403, 200, 200],
    "link_queue": [302, 404, 404, 404, 404, 200],
}


@pytest.fixture
def town():
    town = MunicipalityFactory(slug="matrixstad")
    EnterpriseFactory(municipality=town)
    return town


def _user_for(role, town):
    if role == "anonymous":
        return None
    if role == "resident":
        return UserFactory()
    if role == "unlinked_officer":
        return MunicipalOfficerFactory()
    if role == "officer_elsewhere":
        return OfficerLinkFactory(municipality=MunicipalityFactory()).user
    if role == "linked_officer":
        return OfficerLinkFactory(municipality=town).user
    return StaffFactory()


def _url(name, town):
    if name in {"index", "link_queue"}:
        return reverse(f"municipalities:{name}")
    return reverse(f"municipalities:{name}", kwargs={"slug": town.slug})


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_each_role_gets_what_it_may(client, town, name, role_index):
    user = _user_for(ROLES[role_index], town)
    if user is not None:
        client.force_login(user)
    response = client.get(_url(name, town))
    assert response.status_code == EXPECTED[name][role_index]


@pytest.mark.parametrize("role", ["anonymous", "resident", "unlinked_officer", "linked_officer"])
def test_only_staff_can_decide_on_a_link(client, town, role):
    link = OfficerLinkFactory(municipality=town, status="aangevraagd", decided_at=None)
    user = _user_for(role, town)
    if user is not None:
        client.force_login(user)
    response = client.post(
        reverse("municipalities:link_decide", kwargs={"pk": link.pk}), {"decision": "goedkeuren"}
    )
    assert response.status_code in {302, 404}
    link.refresh_from_db()
    assert link.status == "aangevraagd"


def test_unknown_municipality_is_not_found(client):
    assert client.get("/gemeenten/bestaat-niet/").status_code == 404


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 5000}, {"q": "a\x00b"}, {"sorteer": "'; drop"}, {"q": "%", "sorteer": "aantal"}],
)
def test_whatever_is_typed_in_the_search_gives_a_page(client, town, params):
    assert client.get("/gemeenten/", params).status_code == 200
