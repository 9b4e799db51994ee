"""The list of municipalities: a page at a time, with search and sort kept on every page, from
a cache that every publication, archiving, rename or pioneer's consent brings up to date."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from enterprises.models import EnterpriseStatus, MembershipRole
from municipalities.selectors import INDEX_PAGE_SIZE
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    MunicipalityFactory,
    PioneerFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/gemeenten/"


def _list(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str) -> list[str]:
    """The municipalities' names in the table, in order."""
    return re.findall(r'<th scope="row"><a href="/gemeenten/[^"]+/">([^<]+)</a>', html)


def _counts(html: str, name: str) -> list[str]:
    """The numbers of enterprises and pioneers in the row of ``name``."""
    row = html.split(f">{name}</a>")[1].split("</tr>")[0]
    return re.findall(r'<td class="num">(\d+)</td>', row)


@pytest.fixture
def towns():
    """More municipalities than fit on a page, each with one published enterprise."""
    created = []
    for number in range(INDEX_PAGE_SIZE + 5):
        town = MunicipalityFactory(name=f"Lijstdorp {number:03d}", slug=f"lijstdorp-{number:03d}")
        EnterpriseFactory(municipality=town)
        created.append(town)
    return created


def test_the_list_comes_a_page_at_a_time(client, towns):
    first = _list(client)
    assert _rows(first) == [f"Lijstdorp {n:03d}" for n in range(INDEX_PAGE_SIZE)]
    assert f"{len(towns)} gemeenten" in first
    assert "Pagina 1 van 2" in first
    assert 'href="?sorteer=naam&amp;pagina=2" rel="next"' in first
    second = _list(client, sorteer="naam", pagina=2)
    assert _rows(second) == [f"Lijstdorp {n:03d}" for n in range(INDEX_PAGE_SIZE, len(towns))]
    assert 'href="?sorteer=naam&amp;pagina=1" rel="prev"' in second


def test_search_and_sort_are_kept_from_page_to_page(client, towns):
    busy = towns[3]
    EnterpriseFactory.create_batch(2, municipality=busy)
    html = _list(client, q="lijstdorp", sorteer="aantal")
    assert _rows(html)[0] == busy.name  # three enterprises: first by number
    assert 'value="lijstdorp"' in html and '<option value="aantal" selected>' in html
    assert 'href="?q=lijstdorp&amp;sorteer=aantal&amp;pagina=2"' in html
    assert len(_rows(_list(client, q="lijstdorp 05"))) == 5  # 050 to 054
    assert "Pagina" not in _list(client, q="lijstdorp 05")  # one page: no page links


@pytest.mark.parametrize("page", ["0", "-1", "abc", "²", "9" * 40, "3"])
def test_odd_page_numbers_show_the_first_or_last_page(client, towns, page):
    html = _list(client, pagina=page)
    assert len(_rows(html)) in (INDEX_PAGE_SIZE, len(towns) - INDEX_PAGE_SIZE)


def test_a_published_enterprise_puts_its_municipality_on_the_cached_list(client):
    EnterpriseFactory(municipality=MunicipalityFactory(name="Aldorp"))
    town = MunicipalityFactory(name="Nieuwdorp")
    owner = UserFactory()
    enterprise = EnterpriseFactory(
        municipality=town, status=EnterpriseStatus.SUBMITTED, published_at=None
    )
    MembershipFactory(enterprise=enterprise, user=owner, role=MembershipRole.OWNER)
    assert "Nieuwdorp" not in _list(client)  # cached now
    staff = Client()
    staff.force_login(StaffFactory())
    response = staff.post(
        reverse("enterprises:review", kwargs={"slug": enterprise.slug}), {"decision": "publish"}
    )
    assert response.status_code == 302
    assert "Nieuwdorp" in _list(client)
    member = Client()
    member.force_login(owner)
    member.post(reverse("enterprises:archive", kwargs={"slug": enterprise.slug}))
    assert "Nieuwdorp" not in _list(client)


def test_a_rename_and_a_pioneers_consent_show_on_the_cached_list(client):
    town = MunicipalityFactory(name="Oudnaam")
    pioneer = PioneerFactory(enterprise=EnterpriseFactory(municipality=town))
    assert _counts(_list(client), "Oudnaam") == ["1", "0"]
    staff = Client()
    staff.force_login(StaffFactory())
    staff.post(
        reverse("pioneers:pioneer_edit", args=[pioneer.slug]),
        {"ambition": "Het pand kopen.", "active": "on", "show_on_programme_page": "on"},
    )
    assert _counts(_list(client), "Oudnaam") == ["1", "1"]
    town.name = "Nieuwnaam"
    town.save()
    html = _list(client)
    assert "Nieuwnaam" in html and "Oudnaam" not in html


@pytest.mark.parametrize("size", [3, 60])
def test_list_queries_do_not_grow_with_the_municipalities(client, django_assert_num_queries, size):
    for number in range(size):
        town = MunicipalityFactory()
        PioneerFactory(
            enterprise=EnterpriseFactory(municipality=town), show_on_programme_page=number % 2
        )
    with django_assert_num_queries(2):  # the municipalities with their counts; the map's counts
        response = client.get(URL, {"sorteer": "aantal", "pagina": "2"})
    assert response.status_code == 200
    with django_assert_num_queries(0):  # from the cache
        response = client.get(URL, {"sorteer": "aantal", "pagina": "2"})
    assert response.status_code == 200
    on_last_page = size - INDEX_PAGE_SIZE if size > INDEX_PAGE_SIZE else size  # 2 or past it
    assert len(_rows(response.content.decode())) == on_last_page
