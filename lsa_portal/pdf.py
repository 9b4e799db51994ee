"""Render the portal's HTML to PDF with WeasyPrint, fetching nothing but the portal's own files.

The URL fetcher serves only the portal's static files (through the staticfiles finders or
STATIC_ROOT) and its media folder, from disk, plus ``data:`` URLs. Any other address (another
host, ``file://`` anywhere, a path that climbs out of those folders) is refused, so a case text
with ``<img src="http://...">`` or ``file:///etc/passwd`` fetches nothing. Knows no app.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the HTML resolve against this origin, which exists nowhere: only the fetcher
# below knows what it means.
PDF_BASE_URL = "https://portal.invalid/"
PDF_VARIANT = "pdf/ua-1"  # tagged PDF with the structure screen readers need


class RefusedURL(ValueError):
    """The PDF asked for something outside the portal's own files."""


def _inside(root: Path, relative: str) -> Path | None:
    root = root.resolve()
    candidate = (root / relative).resolve()
    if candidate != root and root in candidate.parents and candidate.is_file():
        return candidate
    return None


def local_path(url: str) -> Path | None:
    """The file on disk that ``url`` stands for, if it is one of the portal's own; else None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != PDF_BASE_URL:
        return None
    path = unquote(parts.path)
    static_prefix, media_prefix = settings.STATIC_URL, settings.MEDIA_URL
    if path.startswith(static_prefix):
        relative = path.removeprefix(static_prefix)
        if ".." in Path(relative).parts:
            return None
        found = finders.find(relative)
        if found:
            return _inside(Path(found).parent, Path(found).name)
        return _inside(Path(settings.STATIC_ROOT), relative)
    if path.startswith(media_prefix):
        return _inside(Path(settings.MEDIA_ROOT), path.removeprefix(media_prefix))
    return None


class PortalURLFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to the portal's static and media files."""

    def __init__(self):
        super().__init__(allowed_protocols={"https", "data"}, allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = local_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"not one of the portal's own files: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def render_document(html: str) -> RenderedPdf:
    """A tagged PDF (PDF/UA-1) of ``html`` with its page count; title, author and language come
    from its ``<title>``, ``<meta name="author">`` and ``<html lang>``."""
    fetcher = PortalURLFetcher()
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).render(
        pdf_variant=PDF_VARIANT
    )
    return RenderedPdf(
        content=document.write_pdf(pdf_variant=PDF_VARIANT), pages=len(document.pages)
    )


def render_pdf(html: str) -> bytes:
    """Just the bytes of :func:`render_document`."""
    return render_document(html).content
