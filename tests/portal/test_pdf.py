"""The PDF renderer fetches the portal's own files and nothing else."""

import pytest

from lsa_portal.pdf import PDF_BASE_URL, PortalURLFetcher, RefusedURL, local_path, render_pdf

PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Casus De Proef</title>
<meta name="author" content="Landelijk bewonersverband">
<link rel="stylesheet" href="/static/css/portal.css"></head>
<body><h1>Casus De Proef</h1><p>Een wijkonderneming.</p>{extra}</body></html>"""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "logos").mkdir(parents=True)
    (tmp_path / "media" / "logos" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    )
    (tmp_path / "geheim.txt").write_text("geheim")
    return tmp_path


def test_static_and_media_files_are_served_from_disk(media):
    assert local_path(f"{PDF_BASE_URL}static/css/portal.css").name == "portal.css"
    assert (
        local_path(f"{PDF_BASE_URL}media/logos/logo.svg")
        == (media / "media/logos/logo.svg").resolve()
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/tracker.png",
        "http://portal.invalid/static/css/portal.css",
        "file:///etc/passwd",
        f"{PDF_BASE_URL}media/../geheim.txt",
        f"{PDF_BASE_URL}media/%2e%2e/geheim.txt",
        f"{PDF_BASE_URL}static/../../../../etc/passwd",
        f"{PDF_BASE_URL}etc/passwd",
        f"{PDF_BASE_URL}media/logos/",
    ],
)
def test_anything_else_is_refused(media, url):
    assert local_path(url) is None
    with pytest.raises(RefusedURL):
        PortalURLFetcher().fetch(url)


def test_a_pdf_with_outside_references_renders_without_fetching_them(media, monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried to open a URL itself")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    fetched = []
    original = PortalURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(PortalURLFetcher, "fetch", spy)
    extra = (
        '<img src="https://example.org/tracker.png" alt="">'
        '<img src="file:///etc/passwd" alt="">'
        '<img src="/media/logos/logo.svg" alt="logo">'
    )
    pdf = render_pdf(PAGE.format(extra=extra))
    assert pdf.startswith(b"%PDF-")
    assert b"root:x:0:0" not in pdf
    assert f"{PDF_BASE_URL}media/logos/logo.svg" in fetched
    assert f"{PDF_BASE_URL}static/css/portal.css" in fetched


def test_the_pdf_is_tagged_and_carries_title_author_and_language(media):
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(render_pdf(PAGE.format(extra=""))))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "nl"
    assert reader.metadata.title == "Casus De Proef"
    assert reader.metadata.author == "Landelijk bewonersverband"
    assert "Een wijkonderneming." in reader.pages[0].extract_text()
