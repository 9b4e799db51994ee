"""A year's monitor fixed as an edition, corrections, and the monitor report: made by the PDF
pipeline, read back, and published into the knowledge base in one step."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from knowledge.models import Report, SearchDocument
from lsa_portal.audit import Action, AuditEntry
from lsa_portal.pdf_jobs import PdfJobStatus
from monitor import report, services
from monitor.models import MonitorEdition, ReportJob
from tests.factories import (
    EnterpriseFactory,
    MunicipalOfficerFactory,
    StaffFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def reported():
    """Three enterprises with figures over 2025 (turnover 100 000 each, 50 % market)."""
    return [
        YearFiguresFactory(
            enterprise=EnterpriseFactory(name=f"Rapportbedrijf {number}"),
            year=YEAR,
            income_sales=50_000,
            income_rent=0,
            income_subsidies=50_000,
            income_loans=number * 1_000,
            volunteers=10 * number,
        )
        for number in (1, 2, 3)
    ]


@pytest.fixture
def staff():
    return StaffFactory()


def _pdf_text(job: ReportJob) -> tuple[PdfReader, str]:
    with job.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_a_fixed_year_keeps_its_figures_until_a_correction(client, reported, staff):
    edition = services.fix_edition(YEAR, by=staff)
    assert (edition.number, edition.data["overall"]["turnover"]) == (1, 300_000)
    url = reverse("monitor:year", kwargs={"year": YEAR})
    assert "Vastgesteld op" in client.get(url).content.decode()

    later = reported[0]
    later.income_sales = 150_000  # a late change by the enterprise
    later.save()
    assert client.get(url).context["monitor"].overall.turnover == 300_000  # still as fixed

    with pytest.raises(ValidationError):
        services.fix_edition(YEAR, by=staff)  # a correction must say what it corrects
    services.fix_edition(YEAR, by=staff, note="Rapportbedrijf 1 gaf zijn verkoop te laag op.")
    page = client.get(url)
    assert page.context["monitor"].overall.turnover == 400_000
    html = page.content.decode()
    assert "Gecorrigeerd op" in html
    assert "Rapportbedrijf 1 gaf zijn verkoop te laag op." in html
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert Action.MONITOR_FIXED in actions and Action.MONITOR_CORRECTED in actions


def test_nothing_to_fix_in_a_year_without_reports(staff):
    with pytest.raises(ValidationError):
        services.fix_edition(2019, by=staff)
    assert not MonitorEdition.objects.exists()


def test_the_report_is_made_by_the_pipeline_and_reads_as_the_monitor(reported, staff):
    edition = services.fix_edition(YEAR, by=staff)
    job = report.request_report(edition, by=staff)
    job = report.render_job(job.pk)  # what the worker does
    assert job.status == PdfJobStatus.DONE, job.error
    reader, text = _pdf_text(job)
    assert len(reader.pages) >= 5
    assert reader.metadata.title == "Monitor wijkondernemingen 2025"
    assert "Over deze monitor" in text
    assert "3 gepubliceerde ondernemingen" in text  # the methods paragraph names the population
    assert "€ 300.000" in text  # total turnover
    assert "€ 6.000" in text  # the loans, apart (1 000 + 2 000 + 3 000)
    assert "Begrippen" in text and "Leningen zijn geen omzet" in text
    # Unchanged: the same file serves again.
    assert report.request_report(edition, by=staff).pk == job.pk


def test_publishing_puts_the_report_in_the_knowledge_base_in_one_step(client, reported, staff):
    edition = services.fix_edition(YEAR, by=staff)
    job = report.render_job(report.request_report(edition, by=staff).pk)
    published = report.publish_report(job, by=staff)
    assert published.is_public
    assert published.title == "Monitor wijkondernemingen 2025"
    assert published.pdf.name.endswith(".pdf")
    assert SearchDocument.objects.filter(object_id=published.pk).exists()
    assert client.get(published.get_absolute_url()).status_code == 200
    assert AuditEntry.objects.filter(action=Action.MONITOR_REPORT_PUBLISHED).count() == 1

    # A correction's report replaces the PDF of the same report, not a second report.
    reported[1].volunteers = 99
    reported[1].save()
    corrected = services.fix_edition(YEAR, by=staff, note="Vrijwilligers van bedrijf 2.")
    job = report.render_job(report.request_report(corrected, by=staff).pk)
    again = report.publish_report(job, by=staff)
    assert again.pk == published.pk
    assert Report.objects.count() == 1
    assert "Gecorrigeerde editie 2" in again.summary


def test_a_report_that_is_not_ready_cannot_be_published(reported, staff, settings):
    edition = services.fix_edition(YEAR, by=staff)
    job = ReportJob.objects.create(edition=edition, input_hash="x")
    with pytest.raises(ValidationError):
        report.publish_report(job, by=staff)
    assert not Report.objects.exists()


def test_staff_make_and_publish_the_report_from_its_page(
    client, reported, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = reverse("monitor:report", kwargs={"year": YEAR})
    assert "De monitor van 2025 vaststellen" in client.get(url).content.decode()
    client.post(url, {"action": "fix"})
    assert MonitorEdition.objects.get(year=YEAR).number == 1
    with django_capture_on_commit_callbacks(execute=True):  # handed over after commit
        client.post(url, {"action": "generate"})  # rendered in-process: no broker in tests
    job = ReportJob.objects.get()
    assert job.status == PdfJobStatus.DONE
    download = client.get(reverse("monitor:report_download", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action=Action.FILE_DOWNLOADED).count() == 1
    client.post(url, {"action": "publish"})
    assert Report.objects.get().is_public


def test_a_report_whose_file_is_gone_is_not_found_and_no_download_is_logged(
    client, reported, staff
):
    edition = services.fix_edition(YEAR, by=staff)
    job = report.render_job(report.request_report(edition, by=staff).pk)
    assert job.status == PdfJobStatus.DONE, job.error
    job.file.storage.delete(job.file.name)
    client.force_login(staff)
    download = client.get(reverse("monitor:report_download", kwargs={"pk": job.pk}))
    assert download.status_code == 404
    assert not AuditEntry.objects.filter(action=Action.FILE_DOWNLOADED).exists()


@pytest.mark.parametrize("who", ["anonymous", "resident", "officer"])
def test_only_staff_reach_the_report_pages(client, reported, staff, who):
    edition = services.fix_edition(YEAR, by=staff)
    job = report.render_job(report.request_report(edition, by=staff).pk)
    if who == "resident":
        client.force_login(UserFactory())
    elif who == "officer":
        client.force_login(MunicipalOfficerFactory())
    urls = [
        reverse("monitor:report", kwargs={"year": YEAR}),
        reverse("monitor:report_status", kwargs={"pk": job.pk}),
        reverse("monitor:report_download", kwargs={"pk": job.pk}),
    ]
    for url in urls:
        response = client.get(url)
        expected = 302 if who == "anonymous" else 404
        assert response.status_code == expected, url
    response = client.post(urls[0], {"action": "publish"})
    assert response.status_code in (302, 404)
    assert not Report.objects.exists()
