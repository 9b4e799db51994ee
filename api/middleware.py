"""What every answer of the open-data API has in common, whichever view or error made it.

For a path under ``/api/``: a trailing slash is a 404 (never a redirect, NLGov API-48); the
rate limit; HEAD answered as GET without a body; OPTIONS answered for CORS preflights; every
error as problem+json; and on every answer the ``API-Version`` header (API-57), CORS open for
reading, no cookies, always Dutch, and for a 200 an ``ETag`` with ``If-None-Match`` giving 304.
Placed early in ``MIDDLEWARE`` so that it sees the answers of the middleware after it (and
drops the cookies they set).
"""

from __future__ import annotations

import hashlib
from http.cookies import SimpleCookie

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from . import ratelimit
from .problems import is_problem, problem

PREFIX = "/api/"
API_VERSION = "1.0.0"  # the full version of /api/v1 (semver), also in the OpenAPI document
READ_METHODS = ("GET", "HEAD")
ALLOW = "GET, HEAD, OPTIONS"
EXPOSED = "API-Version, ETag, Retry-After, Content-Length"


def etag_of(body: bytes) -> str:
    """The strong ETag of an answer's body."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


class OpenDataApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (request.path_info + "/").startswith(PREFIX):
            return self.get_response(request)
        # The API speaks Dutch whatever language the visitor chose on the site: the same
        # answer for everyone (its labels come from the portal's translations).
        request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
        response = self._answer(request)
        return self._finish(request, response)

    def _answer(self, request):
        if request.path_info.endswith("/"):
            return problem(404, "Deze bron bestaat niet. Adressen van de API eindigen niet op /.")
        if request.method not in READ_METHODS:
            try:
                resolve(request.path_info)
            except Resolver404:
                return problem(404)
            # Read-only: the same for every operation (the OpenAPI document's view included).
            return self._preflight() if request.method == "OPTIONS" else problem(405)
        retry_after = ratelimit.over_limit(request)
        if retry_after is not None:
            response = problem(429)
            response["Retry-After"] = str(retry_after)
            return response
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"  # the views answer GET; the body is dropped in _finish
        try:
            return self.get_response(request)
        finally:
            request.method = "HEAD"

    def _preflight(self):
        response = HttpResponse(status=204)
        response["Allow"] = ALLOW
        response["Access-Control-Allow-Methods"] = ALLOW
        response["Access-Control-Allow-Headers"] = "Accept, If-None-Match, Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        return response

    def _finish(self, request, response):
        if 300 <= response.status_code < 400 and response.status_code != 304:
            # CommonMiddleware's APPEND_SLASH would send /api/v1 on to /api/v1/: no address of
            # the API ends in a slash, so there is nothing to send anyone to.
            response = problem(404)
        if response.status_code >= 400 and not is_problem(response):
            allow = response.get("Allow")
            response = problem(response.status_code)
            if allow is not None:
                response["Allow"] = ALLOW
        if response.status_code == 405:
            response["Allow"] = ALLOW
        if response.status_code == 200 and request.method in READ_METHODS:
            response = self._conditional(request, response)
        elif response.status_code >= 400:
            patch_cache_control(response, no_store=True)
        del response["Vary"]  # nothing varies: not the language, and the API reads no cookie
        response["API-Version"] = API_VERSION
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED
        response.cookies = SimpleCookie()  # no session, CSRF or language cookie
        if request.method == "HEAD" and not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    def _conditional(self, request, response):
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
        if response.streaming:
            return response
        # A list's answer from the server's cache brings the ETag of its body (api/answers.py).
        etag = response.get("ETag") or etag_of(response.content)
        response["ETag"] = etag
        # Only If-None-Match is honoured: the API is read-only, so If-Match and
        # If-Unmodified-Since (preconditions of a write) guard nothing here, and it sends no
        # Last-Modified, so a date could only ever fail (Django's check would answer a bare
        # 412 for them). A client's If-None-Match that names the answer's ETag (weakly
        # compared, or "*") gets a 304 with the ETag and the caching headers.
        if _none_match(request.META.get("HTTP_IF_NONE_MATCH", ""), etag):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            not_modified["Cache-Control"] = response["Cache-Control"]
            return not_modified
        return response


def _none_match(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (RFC 9110 13.1.2: weak comparison)."""
    if not header:
        return False
    tags = parse_etags(header)
    if "*" in tags:
        return True
    bare = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == bare for tag in tags)
