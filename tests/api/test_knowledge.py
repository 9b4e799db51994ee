"""The knowledge base in the API: what is public and nothing else, with links to the public
pages and to a PDF only where the site itself serves it to everyone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from knowledge.models import PdfJob
from lsa_portal.pdf_jobs import PdfJobStatus
from tests.factories import (
    ArticleFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    FAQFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/kennisbank"


def _titles(response, key: str, field: str = "titel") -> list[str]:
    return [item[field] for item in response.json()["_embedded"][key]]


def test_drafts_and_future_items_are_left_out(client):
    later = timezone.now() + timedelta(days=2)
    ReportFactory(title="Open rapport")
    ReportFactory(title="Conceptrapport", status="concept", published_at=None)
    ReportFactory(title="Rapport van overmorgen", published_at=later)
    ArticleFactory(title="Open artikel")
    ArticleFactory(title="Conceptartikel", status="concept", published_at=None)
    CaseDescriptionFactory(title="Open casus")
    draft_case = CaseDescriptionFactory(title="Conceptcasus", status="concept", published_at=None)
    FAQFactory(question="Open vraag?")
    FAQFactory(question="Conceptvraag?", status="concept", published_at=None)
    assert _titles(client.get(f"{BASE}/rapporten"), "rapporten") == ["Open rapport"]
    assert _titles(client.get(f"{BASE}/artikelen"), "artikelen") == ["Open artikel"]
    assert _titles(client.get(f"{BASE}/casusbeschrijvingen"), "casusbeschrijvingen") == [
        "Open casus"
    ]
    faqs = client.get(f"{BASE}/veelgestelde-vragen")
    assert _titles(faqs, "veelgesteldeVragen", "vraag") == ["Open vraag?"]
    concept = ReportFactory(status="concept", published_at=None)
    assert client.get(f"{BASE}/rapporten/{concept.slug}").status_code == 404
    future = ArticleFactory(published_at=later)
    assert client.get(f"{BASE}/artikelen/{future.slug}").status_code == 404
    assert client.get(f"{BASE}/casusbeschrijvingen/{draft_case.slug}").status_code == 404


def test_a_report_links_its_pdf_only_when_it_is_open(client, settings):
    settings.PORTAL_BASE_URL = "https://portaal.example"
    open_report = ReportFactory(slug="open-rapport")
    on_request = ReportFactory(slug="op-aanvraag", access="op-aanvraag")
    without = ReportFactory(slug="zonder-pdf", pdf="")
    links = {
        report.slug: client.get(f"{BASE}/rapporten/{report.slug}").json()["_links"]
        for report in (open_report, on_request, without)
    }
    assert links["open-rapport"]["pdf"] == {
        "href": "https://portaal.example/kennisbank/rapporten/open-rapport/download/"
    }
    assert links["open-rapport"]["aanvragen"] is None
    assert links["op-aanvraag"]["pdf"] is None  # never the signed link that arrives by mail
    assert links["op-aanvraag"]["aanvragen"] == {
        "href": "https://portaal.example/kennisbank/rapporten/op-aanvraag/aanvragen/"
    }
    assert links["zonder-pdf"]["pdf"] is None
    assert links["open-rapport"]["pagina"] == {
        "href": "https://portaal.example/kennisbank/rapporten/open-rapport/"
    }
    # The links answer as they say: the open PDF to anyone.
    assert client.get("/kennisbank/rapporten/open-rapport/download/").status_code == 200


def test_a_case_links_its_pdf_once_one_is_made(client, settings):
    settings.PORTAL_BASE_URL = "https://portaal.example"
    published = EnterpriseFactory(slug="gepubliceerd")
    with_pdf = CaseDescriptionFactory(slug="met-pdf", enterprise=published)
    PdfJob.objects.create(
        case=with_pdf, status=PdfJobStatus.DONE, version=1, file="casussen/met-pdf.pdf"
    )
    running = CaseDescriptionFactory(slug="bezig")
    PdfJob.objects.create(case=running, status=PdfJobStatus.RENDERING, version=1)
    hidden = EnterpriseFactory(status="concept", published_at=None)
    CaseDescriptionFactory(slug="over-concept", enterprise=hidden)
    rows = {
        row["slug"]: row["_links"]
        for row in client.get(f"{BASE}/casusbeschrijvingen").json()["_embedded"][
            "casusbeschrijvingen"
        ]
    }
    assert rows["met-pdf"]["pdf"] == {
        "href": "https://portaal.example/kennisbank/casussen/met-pdf/pdf/"
    }
    assert rows["met-pdf"]["wijkonderneming"] == {
        "href": "https://portaal.example/api/v1/wijkondernemingen/gepubliceerd"
    }
    assert rows["bezig"]["pdf"] is None
    assert rows["over-concept"]["wijkonderneming"] is None
    detail = client.get(f"{BASE}/casusbeschrijvingen/met-pdf").json()
    assert detail["_links"]["pdf"] == rows["met-pdf"]["pdf"]
    assert client.get(f"{BASE}/casusbeschrijvingen/bezig").json()["_links"]["pdf"] is None


@pytest.mark.parametrize("size", [2, 8])
def test_list_queries_do_not_grow_with_the_rows(client, django_assert_num_queries, size):
    for _ in range(size):
        ReportFactory()
        ArticleFactory()
        CaseDescriptionFactory(enterprise=EnterpriseFactory())
        FAQFactory()
    # count, page, themes (and audiences for reports), and when the next scheduled publication
    # is (how long the answer may be kept); asked again, the answer comes from the cache.
    for path, queries in (
        ("rapporten", 5),
        ("artikelen", 4),
        ("casusbeschrijvingen", 4),
        ("veelgestelde-vragen", 4),
    ):
        with django_assert_num_queries(queries):
            response = client.get(f"{BASE}/{path}", {"paginaGrootte": 100})
        assert response.json()["aantal"] == size, path
        with django_assert_num_queries(0):
            again = client.get(f"{BASE}/{path}", {"paginaGrootte": 100})
        assert again.content == response.content, path
