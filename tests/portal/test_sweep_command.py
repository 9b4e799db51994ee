"""``manage.py sweep_pdf_jobs``: what cron runs where celery beat does not."""

from io import StringIO

import pytest
from django.core.management import call_command

from knowledge.models import PdfJob
from lsa_portal.pdf_jobs import PdfJobStatus
from monitor.models import ReportJob
from monitor.services import fix_edition
from municipalities.models import BriefJob
from tests.factories import (
    CaseDescriptionFactory,
    MunicipalityFactory,
    StaffFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db


def test_the_command_hands_case_pdfs_briefs_and_reports_to_a_worker_again():
    # Queued and never handed to a worker (the broker was down when they were asked for).
    case_job = PdfJob.objects.create(case=CaseDescriptionFactory(), input_hash="case")
    brief_job = BriefJob.objects.create(municipality=MunicipalityFactory(), input_hash="brief")
    YearFiguresFactory(year=2024)
    edition = fix_edition(2024, by=StaffFactory())
    report_job = ReportJob.objects.create(edition=edition, input_hash="report")
    out = StringIO()
    call_command("sweep_pdf_jobs", stdout=out)
    assert "1 case PDF jobs, 1 municipality briefs and 1 monitor reports" in out.getvalue()
    for job in (case_job, brief_job, report_job):
        job.refresh_from_db()
        assert job.status == PdfJobStatus.DONE  # Celery runs eagerly in the tests
