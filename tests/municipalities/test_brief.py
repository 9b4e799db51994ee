"""The municipal brief: made by the PDF pipeline, reused while nothing changed, public."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from lsa_portal.pdf_jobs import PdfJobStatus
from municipalities import brief, selectors
from municipalities.charts import turnover_chart
from municipalities.models import BriefJob
from tests.factories import (
    EnterpriseFactory,
    MunicipalityFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    town = MunicipalityFactory(name="Briefstad", slug="briefstad")
    for name in ("Alfa", "Bravo", "Charlie"):
        # 100 000 each (sales 50 000, rent 20 000, subsidies 30 000) over 2024.
        YearFiguresFactory(
            enterprise=EnterpriseFactory(municipality=town, name=f"Buurtbedrijf {name}")
        )
    EnterpriseFactory(
        municipality=town,
        name="Buurtbedrijf Delta",
        contact_email="geheim@example.org",
        municipality_may_contact=True,
    )
    return town


def _text(job: BriefJob) -> str:
    with job.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    assert reader.metadata is not None
    title = reader.metadata.title
    assert title is not None
    assert title.startswith("Gemeentelijk") or "Briefstad" in title
    return "\n".join(page.extract_text() for page in reader.pages)


def test_brief_holds_the_name_the_total_turnover_and_no_contacts(
    client, town, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/gemeenten/briefstad/brief/")
    job = BriefJob.objects.get()
    assert response.status_code == 302
    assert job.status == PdfJobStatus.DONE, job.error
    text = _text(job)
    assert "Briefstad" in text
    assert "300.000" in text
    assert "Buurtbedrijf Delta" in text
    assert "geheim@example.org" not in text

    download = client.get(f"/gemeenten/briefstad/brief/{job.pk}/pdf/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_page_and_the_brief_show_the_same_turnover_chart(client, town):
    chart = turnover_chart(selectors.municipality_page("briefstad"))
    # 300 000 together: sales 150 000, rent 60 000, subsidies 90 000.
    assert chart.description.startswith("Omzet van de ondernemingen in Briefstad samen: ")
    assert "50%" in chart.description and "20%" in chart.description
    assert brief.brief_context(town)["chart"] == chart
    response = client.get("/gemeenten/briefstad/")
    assert response.status_code == 200
    assert f'aria-label="{chart.description}"' in response.content.decode()


def test_too_few_enterprises_show_no_turnover_chart(client):
    village = MunicipalityFactory(name="Kleindorp", slug="kleindorp")
    for name in ("Alfa", "Bravo"):  # two: fewer than MIN_GROUP
        YearFiguresFactory(enterprise=EnterpriseFactory(municipality=village, name=name))
    assert turnover_chart(selectors.municipality_page("kleindorp")) is None
    assert brief.brief_context(village)["chart"] is None
    response = client.get("/gemeenten/kleindorp/")
    assert response.status_code == 200
    assert "Omzet van de ondernemingen in Kleindorp" not in response.content.decode()


def test_unchanged_municipality_reuses_the_brief(town, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = brief.request_brief(town, by=None)
    first.refresh_from_db()
    assert first.status == PdfJobStatus.DONE
    assert brief.request_brief(town, by=None).pk == first.pk
    EnterpriseFactory(municipality=town, name="Buurtbedrijf Echo")
    with django_capture_on_commit_callbacks(execute=True):
        second = brief.request_brief(town, by=None)
    assert second.pk != first.pk


def test_anonymous_visitor_cannot_start_a_render(client, town):
    response = client.post("/gemeenten/briefstad/brief/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not BriefJob.objects.exists()


def test_a_brief_that_is_not_done_cannot_be_downloaded(client, town):
    job = BriefJob.objects.create(municipality=town, input_hash="x")
    assert client.get(f"/gemeenten/briefstad/brief/{job.pk}/pdf/").status_code == 404
    assert client.get(f"/gemeenten/andere/brief/{job.pk}/pdf/").status_code == 404
    status = client.get(f"/gemeenten/briefstad/brief/{job.pk}/")
    assert status.status_code == 200 and b"hx-get" in status.content


def test_sweep_hands_queued_briefs_to_a_worker_again(town):
    job = BriefJob.objects.create(municipality=town, input_hash="x")
    assert brief.sweep() == 1
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE


def test_a_brief_whose_disk_is_briefly_full_is_retried_then_fails_readably(town, monkeypatch):
    from lsa_portal import pdf_jobs

    def disk_full(html):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_jobs, "render_document", disk_full)
    job = BriefJob.objects.create(municipality=town, input_hash="x")
    for attempt in range(1, pdf_jobs.MAX_ATTEMPTS + 1):
        with pytest.raises(pdf_jobs.TransientError):
            brief.render_job(job.pk)
        job.refresh_from_db()
        assert job.attempts == attempt
        assert job.status == (
            PdfJobStatus.FAILED if attempt == pdf_jobs.MAX_ATTEMPTS else PdfJobStatus.QUEUED
        )
    assert "No space left on device" in job.error
    assert not job.file


def test_a_brief_over_the_page_limit_fails_with_the_reason(town, settings):
    settings.PDF_MAX_PAGES = 0
    job = brief.render_job(BriefJob.objects.create(municipality=town, input_hash="x").pk)
    assert job.status == PdfJobStatus.FAILED
    assert "hoogstens 0 zijn toegestaan" in job.error
    assert not job.file


def test_without_a_broker_a_failed_rendering_is_logged_as_such(town, monkeypatch, caplog):
    """In-process (no broker), the log names the rendering as what failed, not the broker."""
    from lsa_portal import pdf_jobs

    def crash(html):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_jobs, "render_document", crash)
    job = BriefJob.objects.create(municipality=town, input_hash="x")
    with caplog.at_level("WARNING", logger="lsa_portal.pdf_jobs"):
        brief.RUNNER.enqueue(job.pk)
    assert "failed while rendering in-process" in caplog.text
    assert "No space left on device" in caplog.text
    assert "not handed to a worker" not in caplog.text
