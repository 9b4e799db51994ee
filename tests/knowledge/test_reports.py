"""Reports: the page, open downloads, requests with a signed expiring link, counts, exports."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge import services
from knowledge.models import Report, ReportRequest
from tests.factories import (
    MINIMAL_PDF,
    FAQFactory,
    ReportFactory,
    ReportRequestFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _request_data(**changes):
    data = {
        "name": "Ria Voorbeeld",
        "email": "ria@example.org",
        "organisation": "Gemeente Voorbeeld",
        "role": "gemeente",
        "consent": "on",
    }
    data.update(changes)
    return data


def _downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_report_page_shows_summary_lessons_facts_and_themes(client):
    report = ReportFactory(
        key_lessons="Begin klein\n- Werk samen met de gemeente\n\n",
        commissioned_by="Gemeente Fictief",
        themes=["energie"],
        audiences=["gemeente"],
    )
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Belangrijkste lessen" in html
    assert "<li>Begin klein</li>" in html and "<li>Werk samen met de gemeente</li>" in html
    assert "Gemeente Fictief" in html and "Energie" in html and "Gemeenten" in html
    assert "Download de pdf" in html


def test_report_page_counts_views_without_storing_who(client):
    report = ReportFactory()
    client.get(report.get_absolute_url())
    client.get(report.get_absolute_url())
    report.refresh_from_db()
    assert report.view_count == 2
    field_names = {field.name for field in ReportRequest._meta.get_fields()}
    assert not {"ip", "ip_address", "remote_addr"} & field_names


def test_report_page_needs_at_most_ten_queries(client, django_assert_max_num_queries):
    report = ReportFactory(themes=["energie", "vastgoed"], audiences=["gemeente"])
    for _ in range(3):
        FAQFactory().related_reports.add(report)
    with django_assert_max_num_queries(10):
        assert client.get(report.get_absolute_url()).status_code == 200


def test_open_report_downloads_directly_and_is_counted(client):
    report = ReportFactory(access="open")
    response = client.get(reverse("knowledge:report_download", args=[report.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _downloaded(response).startswith(b"%PDF-")
    report.refresh_from_db()
    assert report.download_count == 1


def test_report_on_request_has_no_direct_download(client):
    report = ReportFactory(access="op-aanvraag")
    response = client.get(reverse("knowledge:report_download", args=[report.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("knowledge:report_request", args=[report.slug])
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Rapport aanvragen" in html and report.pdf.url not in html


def test_requesting_a_report_mails_a_personal_link_that_downloads_it(client, post):
    report = ReportFactory(access="op-aanvraag")
    url = reverse("knowledge:report_request", args=[report.slug])
    response = post(url, _request_data())
    assert response.status_code == 302
    assert "Kijk in je mail" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ria@example.org"]
    assert report.title in message.subject
    link = re.search(r"https?://\S+/download/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # A mail scanner or link checker asks with HEAD first: that downloads nothing.
    assert client.head("/" + path).status_code == 200
    assert ReportRequest.objects.get().downloaded_at is None
    report.refresh_from_db()
    assert report.download_count == 0
    response = client.get("/" + path)
    assert response.status_code == 200
    assert _downloaded(response).startswith(b"%PDF-")
    report.refresh_from_db()
    assert (report.request_count, report.download_count) == (1, 1)
    assert ReportRequest.objects.get().downloaded_at is not None


def test_request_needs_consent_and_says_so_in_dutch(client):
    report = ReportFactory(access="op-aanvraag")
    url = reverse("knowledge:report_request", args=[report.slug])
    response = client.post(url, _request_data(consent="", email="geen-adres"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vink het vakje aan" in html
    assert "Voer een geldig e-mailadres in." in html
    assert 'aria-invalid="true"' in html
    assert not ReportRequest.objects.exists() and not mail.outbox


def test_requests_are_rate_limited_per_address(client, settings):
    settings.KNOWLEDGE_FORM_RATE_LIMIT = (2, 3600)
    report = ReportFactory(access="op-aanvraag")
    url = reverse("knowledge:report_request", args=[report.slug])
    assert client.post(url, _request_data()).status_code == 302
    assert client.post(url, _request_data()).status_code == 302
    response = client.post(url, _request_data())
    assert response.status_code == 429
    assert "Te veel aanvragen" in response.content.decode()
    assert ReportRequest.objects.count() == 2
    other = client.post(url, _request_data(), REMOTE_ADDR="192.0.2.44")
    assert other.status_code == 302


@pytest.mark.parametrize("name", ["newsletter", "advice", "report_request"])
def test_an_empty_post_over_the_limit_is_refused_with_the_message(client, settings, name):
    """A post without any field still counts, and over the limit it gets the limit's page
    (the form was left unbound and the page failed with a 500)."""
    settings.KNOWLEDGE_FORM_RATE_LIMIT = (1, 3600)
    args = [ReportFactory(access="op-aanvraag").slug] if name == "report_request" else []
    url = reverse(f"knowledge:{name}", args=args)
    assert client.post(url, {}).status_code == 200
    response = client.post(url, {})
    assert response.status_code == 429
    assert "Te veel aanvragen" in response.content.decode()


def _signed_link(report_request, seconds_ago=0):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - seconds_ago):
        token = services.download_token(report_request)
    return reverse(
        "knowledge:report_download_signed",
        kwargs={"slug": report_request.report.slug, "token": token},
    )


def test_expired_link_is_refused_with_a_clear_page(client, settings):
    report_request = ReportRequestFactory()
    days = settings.KNOWLEDGE_DOWNLOAD_LINK_DAYS
    response = client.get(_signed_link(report_request, seconds_ago=(days + 1) * 86400))
    assert response.status_code == 410
    html = response.content.decode()
    assert "Deze link is verlopen" in html
    assert "Vraag het rapport opnieuw aan" in html


def test_link_still_works_just_before_it_expires(client, settings):
    report_request = ReportRequestFactory()
    days = settings.KNOWLEDGE_DOWNLOAD_LINK_DAYS
    assert client.get(_signed_link(report_request, (days - 1) * 86400)).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: token.split(":")[0],
        lambda token: "zomaar-iets",
    ],
)
def test_tampered_link_is_refused_with_a_clear_page(client, tamper):
    report_request = ReportRequestFactory()
    token = services.download_token(report_request)
    url = reverse(
        "knowledge:report_download_signed",
        kwargs={"slug": report_request.report.slug, "token": tamper(token)},
    )
    response = client.get(url)
    assert response.status_code == 400
    assert "Deze link klopt niet" in response.content.decode()


def test_link_for_one_report_does_not_open_another(client):
    report_request = ReportRequestFactory()
    other = ReportFactory(access="op-aanvraag")
    token = services.download_token(report_request)
    url = reverse("knowledge:report_download_signed", kwargs={"slug": other.slug, "token": token})
    assert client.get(url).status_code == 400


def test_link_of_a_deleted_request_counts_as_expired(client):
    report_request = ReportRequestFactory()
    url = _signed_link(report_request)
    report_request.delete()
    assert client.get(url).status_code == 410


def test_pdf_validator_refuses_a_file_that_is_not_a_pdf():
    report = ReportFactory.build(
        slug="nep",
        pdf=SimpleUploadedFile("rapport.pdf", b"<html>geen pdf</html>"),
    )
    with pytest.raises(ValidationError) as error:
        report.full_clean(exclude=["themes", "audiences"])
    assert "Dit bestand is geen pdf" in str(error.value)
    report.pdf = SimpleUploadedFile("rapport.pdf", MINIMAL_PDF)
    report.full_clean()


def test_pdf_validator_refuses_a_file_that_is_too_large(settings):
    from knowledge import validators

    report = ReportFactory.build(slug="groot")
    big = SimpleUploadedFile("rapport.pdf", b"%PDF-" + b"0" * 10)
    big.size = validators.MAX_PDF_BYTES + 1
    report.pdf = big
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "te groot" in str(error.value)


def test_publishing_a_report_needs_its_pdf():
    report = ReportFactory(status="concept", pdf=None)
    with pytest.raises(ValidationError):
        services.publish(report, by=StaffFactory())
    assert Report.objects.get(pk=report.pk).status == "concept"


@pytest.mark.parametrize(
    ("user_factory", "expected"), [(None, 302), (UserFactory, 403), (StaffFactory, 200)]
)
def test_only_staff_export_the_requests(client, user_factory, expected):
    ReportRequestFactory(name='=HYPERLINK("x")', organisation="Gemeente Fictief")
    if user_factory:
        client.force_login(user_factory())
    response = client.get(reverse("knowledge:export_requests"))
    assert response.status_code == expected
    if expected == 200:
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("aangevraagd op;rapport;naam;e-mailadres")
        assert "Gemeente Fictief" in text
        assert "'=HYPERLINK" in text  # no formula for the spreadsheet to run
