"""``manage.py sweep_pdf_jobs``: what cron runs where celery beat does not."""

from io import StringIO

import pytest
from django.core.management import call_command

from knowledge.models import PdfJob
from lsa_portal.pdf_jobs import PdfJobStatus
from municipalities.models import BriefJob
from tests.factories import CaseDescriptionFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_the_command_hands_case_pdfs_and_briefs_to_a_worker_again():
    # Queued and never handed to a worker (the broker was down when they were asked for).
    case_job = PdfJob.objects.create(case=CaseDescriptionFactory(), input_hash="case")
    brief_job = BriefJob.objects.create(municipality=MunicipalityFactory(), input_hash="brief")
    out = StringIO()
    call_command("sweep_pdf_jobs", stdout=out)
    assert "1 case PDF jobs and 1 municipality briefs" in out.getvalue()
    for job in (case_job, brief_job):
        job.refresh_from_db()
        assert job.status == PdfJobStatus.DONE  # Celery runs eagerly in the tests
