"""Uploads are judged by their content: images re-encoded without EXIF or GPS, bombs and markup
refused with a Dutch message, PDFs recognised by their signature, names generated, and what is
served carries headers under which nothing can run in the portal's origin."""

from __future__ import annotations

import re
import struct
import zlib
from io import BytesIO

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http import Http404
from django.urls import reverse
from PIL import ExifTags, Image

from enterprises.models import MembershipRole
from knowledge.models import Report
from lsa_portal import uploads
from tests.factories import (
    MINIMAL_PDF,
    EnterpriseFactory,
    MembershipFactory,
    ReportFactory,
    StaffFactory,
    UserFactory,
    profile_form_data,
)

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"^[a-z/]+/[0-9a-f]{32}\.(jpg|png|webp|pdf)$")

# Every file column of every model: uploaded by people (checked here) or made by the portal.
UPLOADED_IMAGES = {("enterprises", "enterprise", "logo"), ("knowledge", "report", "cover")}
UPLOADED_PDFS = {("knowledge", "report", "pdf"), ("knowledge", "casedescription", "pdf")}
MADE_BY_THE_PORTAL = {
    ("knowledge", "pdfjob", "file"),
    ("municipalities", "briefjob", "file"),
    ("monitor", "reportjob", "file"),
}


def _jpeg_with_gps(width=40, height=20) -> bytes:
    """A photo as a phone makes it: GPS position, camera, orientation and a comment."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Fictieve Telefoon"
    exif[ExifTags.Base.Orientation] = 6  # turned: the stored copy must be upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 5.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 10.0)
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"geheime notitie")
    return buffer.getvalue()


def _png(width=64, height=64, mode="RGB") -> bytes:
    buffer = BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims enormous dimensions: a decompression ("pixel") bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def owner_client(client):
    owner = UserFactory()
    enterprise = EnterpriseFactory(status="concept", published_at=None)
    MembershipFactory(enterprise=enterprise, user=owner, role=MembershipRole.OWNER)
    client.force_login(owner)
    client.enterprise = enterprise
    return client


def _upload_logo(client, upload):
    enterprise = client.enterprise
    url = reverse("enterprises:edit", kwargs={"slug": enterprise.slug})
    response = client.post(url, profile_form_data(enterprise, logo=upload))
    enterprise.refresh_from_db()
    return response


# --- Images -------------------------------------------------------------------------------------


def test_the_test_photo_really_carries_gps_and_a_comment():
    original = Image.open(BytesIO(_jpeg_with_gps()))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"geheime notitie" in _jpeg_with_gps()


def test_a_photo_is_stored_without_exif_gps_or_comment_upright_under_a_generated_name(
    owner_client,
):
    photo = SimpleUploadedFile("mijn-huis <thuis>.jpg", _jpeg_with_gps(), "image/jpeg")
    assert _upload_logo(owner_client, photo).status_code == 302
    logo = owner_client.enterprise.logo
    assert GENERATED.match(logo.name) and logo.name.startswith("enterprises/logos/")
    assert "mijn-huis" not in logo.name
    stored = logo.open("rb").read()
    image = Image.open(BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Fictieve Telefoon" not in stored and b"geheime notitie" not in stored
    assert b"Exif" not in stored[:200]
    assert image.size == (20, 40)  # turned upright as its orientation said


def test_a_photo_with_xmp_metadata_is_accepted_and_loses_it(owner_client):
    xmp = (
        b'<?xml version="1.0"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>'
        b'<rdf:Description exif:GPSLatitude="52,5.3N"/><svg/></rdf:RDF></x:xmpmeta>'
    )
    buffer = BytesIO()
    Image.new("RGB", (20, 20), (10, 200, 10)).save(buffer, "JPEG", xmp=xmp)
    assert b"GPSLatitude" in buffer.getvalue()
    upload = SimpleUploadedFile("foto.jpg", buffer.getvalue(), "image/jpeg")
    assert _upload_logo(owner_client, upload).status_code == 302
    stored = owner_client.enterprise.logo.open("rb").read()
    assert b"GPSLatitude" not in stored and b"xmpmeta" not in stored


def test_a_png_with_text_chunks_keeps_its_pixels_and_loses_its_text(owner_client):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "adres: Geheimstraat 1")
    buffer = BytesIO()
    Image.new("RGBA", (30, 30), (0, 128, 0, 128)).save(buffer, "PNG", pnginfo=info)
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
    assert _upload_logo(owner_client, upload).status_code == 302
    stored = owner_client.enterprise.logo.open("rb").read()
    assert b"Geheimstraat" not in stored
    image = Image.open(BytesIO(stored))
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (30, 30))
    assert image.getpixel((5, 5)) == (0, 128, 0, 128)


def test_a_pixel_bomb_is_refused_before_it_is_decoded(owner_client):
    bomb = _png_header_only(60_000, 60_000)  # 3.6 gigapixels in a few hundred bytes
    assert len(bomb) < 2000
    response = _upload_logo(owner_client, SimpleUploadedFile("klein.png", bomb, "image/png"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "De afbeelding heeft te veel pixels: ten hoogste 25 megapixel (5000 × 5000)" in html
    assert not owner_client.enterprise.logo


def test_an_image_over_the_pixel_limit_is_refused_even_when_small_in_bytes():
    image = SimpleUploadedFile("breed.png", _png(600, 600, mode="L"), "image/png")
    field = uploads.CheckedImageFormField(max_pixels=100_000)
    with pytest.raises(uploads.ValidationError) as error:
        field.clean(image)
    assert error.value.code == "too_many_pixels"


def test_an_image_over_the_byte_limit_is_refused():
    image = SimpleUploadedFile("groot.png", _png(64, 64), "image/png")
    field = uploads.CheckedImageFormField(max_bytes=len(image) - 1)
    with pytest.raises(uploads.ValidationError) as error:
        field.clean(image)
    assert error.value.code == "file_too_large"


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", SVG),
        ("logo.png", HTML),
        ("logo.jpg", b"\xef\xbb\xbf  <svg onload=alert(1)>"),
        ("logo.svg", SVG),
        ("logo.webp", b"<html><script>alert(1)</script>"),
    ],
)
def test_svg_and_html_are_refused_whatever_their_name_with_a_dutch_message(
    owner_client, name, content
):
    response = _upload_logo(owner_client, SimpleUploadedFile(name, content, "image/png"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "SVG-, HTML- en andere opmaakbestanden nemen we niet aan" in html
    assert "<script>alert" not in html
    assert not owner_client.enterprise.logo


def test_a_phone_photo_written_as_mpo_is_kept_as_a_jpeg(owner_client):
    buffer = BytesIO()
    first, second = Image.new("RGB", (24, 12), "red"), Image.new("RGB", (24, 12), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(BytesIO(buffer.getvalue())).format == "MPO"
    upload = SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), "image/jpeg")
    assert _upload_logo(owner_client, upload).status_code == 302
    stored = Image.open(owner_client.enterprise.logo.open("rb"))
    assert (stored.format, stored.size) == ("JPEG", (24, 12))
    assert owner_client.enterprise.logo.name.endswith(".jpg")


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_a_real_image_of_another_format_is_refused(owner_client, fmt):
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, fmt)
    response = _upload_logo(owner_client, SimpleUploadedFile("logo.png", buffer.getvalue()))
    assert f"Upload een JPG-, PNG- of WebP-afbeelding; dit is {fmt}" in response.content.decode()


def test_a_truncated_image_is_refused_with_a_dutch_message(owner_client):
    broken = _jpeg_with_gps()[:300]
    response = _upload_logo(owner_client, SimpleUploadedFile("logo.jpg", broken, "image/jpeg"))
    assert "Dit bestand is geen afbeelding die we kunnen lezen" in response.content.decode()


def test_the_admin_re_encodes_covers_too():
    field = Report._meta.get_field("cover").formfield()
    assert isinstance(field, uploads.CheckedImageFormField)
    cleaned = field.clean(SimpleUploadedFile("omslag.jpg", _jpeg_with_gps()))
    assert not Image.open(cleaned).getexif()
    assert GENERATED.match(f"x/{cleaned.name}")


def test_every_file_column_is_accounted_for():
    """A new upload field must be added here, and so be checked like the others."""
    found = {
        (model._meta.app_label, model._meta.model_name, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and not model.__name__.startswith("Historical")
    }
    assert found == UPLOADED_IMAGES | UPLOADED_PDFS | MADE_BY_THE_PORTAL
    for app_label, model_name, name in UPLOADED_IMAGES:
        field = apps.get_model(app_label, model_name)._meta.get_field(name)
        assert isinstance(field, uploads.CheckedImageField)
        folder = field.generate_filename(None, "x.jpg").rsplit("/", 1)[0]
        assert folder in uploads.settings.PUBLIC_MEDIA_FOLDERS
    for app_label, model_name, name in UPLOADED_PDFS:
        field = apps.get_model(app_label, model_name)._meta.get_field(name)
        assert uploads.validate_pdf in field.validators
        stored = field.generate_filename(None, "Mijn rapport.exe")
        assert GENERATED.match(stored) and stored.endswith(".pdf")
        folder = stored.rsplit("/", 1)[0]
        assert folder not in uploads.settings.PUBLIC_MEDIA_FOLDERS


# --- PDFs ---------------------------------------------------------------------------------------


def test_a_pdf_is_recognised_by_its_signature_not_its_name():
    uploads.validate_pdf(SimpleUploadedFile("rapport.txt", MINIMAL_PDF))
    for fake in (b"<html>%PDF-</html>", b"MZ\x90\x00", b" %PDF-1.4", b""):
        with pytest.raises(uploads.ValidationError) as error:
            uploads.validate_pdf(SimpleUploadedFile("rapport.pdf", fake or b"x"))
        assert error.value.code == "not_a_pdf"


def test_a_report_pdf_uploaded_in_the_admin_gets_a_generated_name(client):
    client.force_login(StaffFactory())
    data = {
        "title": "Nieuw rapport",
        "slug": "nieuw-rapport",
        "summary": "Samenvatting",
        "body": "Tekst",
        "authors": "Auteur",
        "publication_date": "2026-01-15",
        "access": "open",
        "status": "concept",
        "pdf": SimpleUploadedFile("../../Geheim rapport.pdf", MINIMAL_PDF),
        "cover": SimpleUploadedFile("omslag.jpg", _jpeg_with_gps()),
    }
    response = client.post(reverse("admin:knowledge_report_add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    report = Report.objects.get(slug="nieuw-rapport")
    assert GENERATED.match(report.pdf.name) and report.pdf.name.startswith("kennisbank/rapporten/")
    assert GENERATED.match(report.cover.name) and report.cover.name.startswith(
        "kennisbank/omslagen/"
    )
    assert not Image.open(report.cover.open("rb")).getexif()


# --- Serving ------------------------------------------------------------------------------------


def _store(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


def test_a_public_logo_is_served_with_headers_under_which_nothing_runs(client):
    name = _store("enterprises/logos/0123456789abcdef0123456789abcdef.png", _png())
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == _png()


def test_markup_that_reached_the_disk_under_an_image_name_still_cannot_run(client):
    """Files from before these checks: the type is fixed by the portal and never sniffed."""
    name = _store("enterprises/logos/oud.png", HTML)
    response = client.get(f"/media/{name}")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "kennisbank/rapporten/0123456789abcdef0123456789abcdef.pdf",  # private: a view decides
        "enterprises/logos/pagina.html",
        "enterprises/logos/tekening.svg",
        "enterprises/logos/../../kennisbank/rapporten/x.pdf",
        "enterprises/logos/%2e%2e/%2e%2e/settings.py",
        "/etc/passwd",
        "enterprises/logos/niet-er.png",
    ],
)
def test_only_images_in_public_folders_are_served(client, path):
    _store("kennisbank/rapporten/0123456789abcdef0123456789abcdef.pdf", MINIMAL_PDF)
    _store("enterprises/logos/pagina.html", HTML)
    _store("enterprises/logos/tekening.svg", SVG)
    assert client.get(f"/media/{path}").status_code == 404


def test_report_pdfs_are_downloads_that_cannot_run_in_the_portal(client):
    report = ReportFactory(status="gepubliceerd")
    response = client.get(reverse("knowledge:report_download", kwargs={"slug": report.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{report.slug}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_report_whose_pdf_is_gone_from_the_disk_is_not_found_and_not_counted(client):
    report = ReportFactory(status="gepubliceerd")
    default_storage.delete(report.pdf.name)
    response = client.get(reverse("knowledge:report_download", kwargs={"slug": report.slug}))
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.download_count == 0


def test_a_pdf_attachment_of_no_file_is_not_found():
    with pytest.raises(Http404):
        uploads.pdf_attachment(Report(pdf="").pdf, filename="rapport.pdf")
