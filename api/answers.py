"""The list answers of the API kept on the server, as the HTML lists keep their rendered part.

A list's answer is the same for every client: it depends only on the path, the list's
parameters (in the canonical order its links use) and the data behind it. The serialised body
and its ETag are kept in the fragment cache (``lsa_portal.fragment_cache``) under the data
versions that the HTML pages of the same data are kept under, so a publication, a change or a
withdrawal makes the next answer fresh at once; the timeout is only a safety net. When the
cache is out of reach (``lsa_portal.cache``) every answer is made anew: slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpResponse, QueryDict
from ninja import NinjaAPI, Schema

from lsa_portal import fragment_cache

from .middleware import etag_of

# A case description's PDF link changes when a PDF job is done (api/signals.py), which no
# page cache of the knowledge base follows.
CASE_PDF_FRAGMENTS = "api-case-pdfs"


def cached_answer(
    request,
    api: NinjaAPI,
    schema: type[Schema],
    namespaces: str | Iterable[str],
    query: QueryDict,
    build: Callable[[], dict],
    *,
    lifetime: Callable[[], float] | None = None,
) -> HttpResponse:
    """The 200 answer for ``request``: from the cache while none of ``namespaces`` changed,
    or ``build()`` validated by ``schema`` and serialised as the operation would (aliases,
    the API's JSON renderer), then kept. ``query`` is the request's parameters made canonical
    (only known ones, a fixed order): with the path, it is what the answer depends on."""

    def render() -> tuple[bytes, str]:
        data = schema.model_validate(build()).model_dump(by_alias=True)
        body = api.renderer.render(request, data, response_status=200)
        body = body if isinstance(body, bytes) else body.encode(settings.DEFAULT_CHARSET)
        return body, etag_of(body)

    identity = f"api:{settings.PORTAL_BASE_URL}{request.path}?{query.urlencode()}"
    body, etag = fragment_cache.cached(namespaces, identity, render, lifetime=lifetime)
    response = HttpResponse(body, content_type=api.get_content_type())
    response["ETag"] = etag
    return response
