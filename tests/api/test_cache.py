"""The API's list answers kept on the server (api/answers.py): asked again they cost no query,
yet a publication, a withdrawal or a finished PDF shows in the next answer at once; the same
filters in another order are the same answer; with the cache out of reach every answer is made
anew, and still right."""

import pytest

from enterprises import services as enterprise_services
from enterprises.models import EnterpriseStatus
from knowledge import services as knowledge_services
from knowledge.models import PdfJob, Status
from lsa_portal import cache as portal_cache
from lsa_portal import fragment_cache
from lsa_portal.cache import RedisCache
from lsa_portal.pdf_jobs import PdfJobStatus
from tests.factories import (
    ArticleFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    MunicipalityFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

ENTERPRISES = "/api/v1/wijkondernemingen"
MUNICIPALITIES = "/api/v1/gemeenten"
ARTICLES = "/api/v1/kennisbank/artikelen"
CASES = "/api/v1/kennisbank/casusbeschrijvingen"


def _names(response, key: str = "wijkondernemingen", field: str = "naam") -> list[str]:
    assert response.status_code == 200
    return [row[field] for row in response.json()["_embedded"][key]]


def _count_in(response, slug: str) -> int | None:
    rows = {row["slug"]: row for row in response.json()["_embedded"]["gemeenten"]}
    return rows[slug]["aantalWijkondernemingen"] if slug in rows else None


def test_an_answer_asked_again_comes_from_the_cache(client, django_assert_num_queries):
    EnterpriseFactory(name="Zonnedak")
    first = client.get(ENTERPRISES)
    with django_assert_num_queries(0):
        again = client.get(ENTERPRISES)
        unchanged = client.get(ENTERPRISES, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"
    assert unchanged.status_code == 304 and unchanged["ETag"] == first["ETag"]


def test_publishing_and_archiving_an_enterprise_changes_the_lists_at_once(client):
    town = MunicipalityFactory(name="Noordstad", slug="noordstad")
    EnterpriseFactory(name="Al bekend", municipality=town)
    waiting = EnterpriseFactory(
        name="Nieuw", municipality=town, status=EnterpriseStatus.SUBMITTED, published_at=None
    )
    staff = StaffFactory()
    filtered = {"gemeente": "noordstad"}
    assert _names(client.get(ENTERPRISES)) == ["Al bekend"]
    assert _names(client.get(ENTERPRISES, filtered)) == ["Al bekend"]
    assert _count_in(client.get(MUNICIPALITIES), "noordstad") == 1
    etag = client.get(ENTERPRISES)["ETag"]

    enterprise_services.publish(waiting, by=staff)
    assert _names(client.get(ENTERPRISES)) == ["Al bekend", "Nieuw"]
    assert _names(client.get(ENTERPRISES, filtered)) == ["Al bekend", "Nieuw"]
    assert _count_in(client.get(MUNICIPALITIES), "noordstad") == 2  # the municipality's count
    assert client.get(ENTERPRISES, HTTP_IF_NONE_MATCH=etag).status_code == 200

    enterprise_services.archive(waiting, by=staff)
    assert _names(client.get(ENTERPRISES)) == ["Al bekend"]
    assert _count_in(client.get(MUNICIPALITIES), "noordstad") == 1


def test_a_municipality_appears_in_the_list_with_its_first_published_enterprise(client):
    town = MunicipalityFactory(name="Nieuwdorp", slug="nieuwdorp")
    first = EnterpriseFactory(
        municipality=town, status=EnterpriseStatus.SUBMITTED, published_at=None
    )
    assert _count_in(client.get(MUNICIPALITIES, {"q": "Nieuwdorp"}), "nieuwdorp") is None
    enterprise_services.publish(first, by=StaffFactory())
    assert _count_in(client.get(MUNICIPALITIES, {"q": "Nieuwdorp"}), "nieuwdorp") == 1


def test_publishing_and_unpublishing_a_knowledge_item_changes_the_list_at_once(client):
    ArticleFactory(title="Bekend artikel")
    draft = ArticleFactory(title="Nieuw artikel", status=Status.DRAFT)
    assert _names(client.get(ARTICLES), "artikelen", "titel") == ["Bekend artikel"]
    knowledge_services.publish(draft, by=StaffFactory())
    assert sorted(_names(client.get(ARTICLES), "artikelen", "titel")) == [
        "Bekend artikel",
        "Nieuw artikel",
    ]
    knowledge_services.unpublish(draft, by=StaffFactory())
    assert _names(client.get(ARTICLES), "artikelen", "titel") == ["Bekend artikel"]


def test_a_finished_case_pdf_shows_in_the_cached_list(client):
    case = CaseDescriptionFactory(slug="casus")
    assert client.get(CASES).json()["_embedded"]["casusbeschrijvingen"][0]["_links"]["pdf"] is None
    job = PdfJob.objects.create(case=case, status=PdfJobStatus.RENDERING, version=1)
    job.status, job.file = PdfJobStatus.DONE, "casussen/casus.pdf"
    job.save()
    links = client.get(CASES).json()["_embedded"]["casusbeschrijvingen"][0]["_links"]
    assert links["pdf"]["href"].endswith("/kennisbank/casussen/casus/pdf/")


def test_the_same_filters_in_another_order_are_the_same_answer(client):
    EnterpriseFactory(name="Zonnedak", municipality__province="utrecht")
    one = client.get(f"{ENTERPRISES}?provincie=utrecht&sorteer=nieuw&paginaGrootte=5")
    other = client.get(f"{ENTERPRISES}?paginaGrootte=5&onbekend=1&sorteer=nieuw&provincie=utrecht")
    assert one.content == other.content and one["ETag"] == other["ETag"]
    assert one.json()["_links"]["self"]["href"].endswith(
        "/api/v1/wijkondernemingen?provincie=utrecht&sorteer=nieuw&pagina=1&paginaGrootte=5"
    )


@pytest.fixture
def cache_unreachable(monkeypatch):
    """The fragment cache on a Redis that refuses every connection (nothing listens on port 1),
    as in tests/portal/test_cache_outage.py."""
    monkeypatch.setattr(portal_cache, "_outages", {})
    unreachable = RedisCache(
        "redis://127.0.0.1:1/3", {"OPTIONS": {"socket_connect_timeout": 0.5, "retry_after": 60}}
    )
    monkeypatch.setattr(fragment_cache, "cache", unreachable)
    return unreachable


def test_without_the_cache_every_answer_is_made_anew_and_right(client, cache_unreachable):
    waiting = EnterpriseFactory(name="Nieuw", status=EnterpriseStatus.SUBMITTED, published_at=None)
    EnterpriseFactory(name="Al bekend")
    first = client.get(ENTERPRISES)
    assert _names(first) == ["Al bekend"]
    again = client.get(ENTERPRISES, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304  # the ETag follows from the body, cache or not
    enterprise_services.publish(waiting, by=StaffFactory())
    assert _names(client.get(ENTERPRISES)) == ["Al bekend", "Nieuw"]
    assert client.get(ARTICLES).status_code == 200
    assert cache_unreachable.outage.is_down
