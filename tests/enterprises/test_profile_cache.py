"""The public profile is kept in a cache: every change that its members, staff or an import make
shows at once, and what a member sees (the edit button, a concept) never reaches anyone else."""

import pytest
from django.test import Client
from django.urls import reverse

from enterprises.models import EnterpriseStatus, MembershipRole, Theme
from tests.factories import (
    YEAR_FIGURES_FORM,
    AssetFactory,
    EnterpriseFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
    YearFiguresFactory,
    profile_form_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def enterprise(owner):
    enterprise = EnterpriseFactory(name="De Cachewinkel", pitch="Wij verkopen brood.")
    MembershipFactory(enterprise=enterprise, user=owner, role=MembershipRole.OWNER)
    return enterprise


@pytest.fixture
def member_client(owner):
    member = Client()
    member.force_login(owner)
    return member


def _profile(client, enterprise) -> str:
    response = client.get(enterprise.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _edit(url_name, enterprise, **kwargs):
    return reverse(f"enterprises:{url_name}", kwargs={"slug": enterprise.slug, **kwargs})


def test_an_edited_profile_shows_at_once(client, member_client, enterprise):
    assert "Wij verkopen brood." in _profile(client, enterprise)  # cached now
    energy = Theme.objects.get(slug="energie")
    response = member_client.post(
        _edit("edit", enterprise),
        profile_form_data(enterprise, pitch="Wij bakken nu ook taart.", themes=[energy.pk]),
    )
    assert response.status_code == 302
    html = _profile(client, enterprise)
    assert "Wij bakken nu ook taart." in html and "Wij verkopen brood." not in html
    assert "?thema=energie" in html


def test_new_figures_and_assets_show_at_once_and_a_removed_asset_goes(
    client, member_client, enterprise
):
    assert "Omzetmix 2024" not in _profile(client, enterprise)
    member_client.post(_edit("figures_add", enterprise), YEAR_FIGURES_FORM)
    assert "Omzetmix 2024" in _profile(client, enterprise)
    member_client.post(
        _edit("asset_add", enterprise),
        {"kind": "gebouw", "name": "De oude bibliotheek", "tenure": "huur", "size_m2": "640"},
    )
    assert "De oude bibliotheek" in _profile(client, enterprise)
    asset = enterprise.assets.get()
    member_client.post(_edit("asset_delete", enterprise, pk=asset.pk))
    assert "De oude bibliotheek" not in _profile(client, enterprise)


def test_an_archived_profile_is_gone_for_visitors_at_once(client, member_client, enterprise):
    _profile(client, enterprise)
    member_client.post(_edit("archive", enterprise))
    assert client.get(enterprise.get_absolute_url()).status_code == 404


def test_a_renamed_municipality_shows_on_the_cached_profile(client, enterprise):
    _profile(client, enterprise)
    municipality = enterprise.municipality
    municipality.name = "Nieuwgemeente"
    municipality.save()
    assert "gemeente Nieuwgemeente" in _profile(client, enterprise)


def test_published_by_staff_the_profile_opens_to_everyone(client, owner):
    concept = EnterpriseFactory(status=EnterpriseStatus.SUBMITTED, published_at=None)
    MembershipFactory(enterprise=concept, user=owner, role=MembershipRole.OWNER)
    member = Client()
    member.force_login(owner)
    assert "niet openbaar" in _profile(member, concept)  # the member's view is cached now
    assert client.get(concept.get_absolute_url()).status_code == 404
    staff = Client()
    staff.force_login(StaffFactory())
    staff.post(_edit("review", concept), {"decision": "publish"})
    html = _profile(client, concept)
    assert concept.name in html and "niet openbaar" not in html


def test_the_edit_button_never_reaches_another_visitor(client, member_client, enterprise):
    edit_url = _edit("edit", enterprise)
    assert edit_url in _profile(member_client, enterprise)
    assert edit_url not in _profile(client, enterprise)
    stranger = Client()
    stranger.force_login(UserFactory())
    assert edit_url not in _profile(stranger, enterprise)
    assert edit_url in _profile(member_client, enterprise)


@pytest.mark.parametrize("years", [1, 6])
def test_cached_profile_queries_do_not_grow_with_the_years(
    client, member_client, django_assert_num_queries, enterprise, years
):
    for year in range(2019, 2019 + years):
        YearFiguresFactory(enterprise=enterprise, year=year)
        AssetFactory(enterprise=enterprise, name=f"Gebouw {year}")
    _profile(client, enterprise)
    with django_assert_num_queries(0):  # an anonymous visitor: all from the cache
        response = client.get(enterprise.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Gebouw 20") == years
    _profile(member_client, enterprise)  # session warm
    # the user, the enterprise and the membership; the profile from the cache
    with django_assert_num_queries(3):
        response = member_client.get(enterprise.get_absolute_url())
    assert response.status_code == 200
