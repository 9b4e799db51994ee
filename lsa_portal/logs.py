"""Logging: a request id in every record, one line per request, JSON when asked.

``RequestLogMiddleware`` (first in MIDDLEWARE) gives each request an id: the proxy's
``X-Request-ID`` when it is well formed, else a new one. It returns the id in the response's
``X-Request-ID`` header, puts it in a context variable that ``RequestIdFilter`` copies onto every
log record written while the request runs (the portal's own, Django's, allauth's), tags the
error report with it, and writes one line when the response is ready: method, path, status,
duration and the user's number. No e-mail address, IP address or query string: those can hold
personal data (searches, e-mail addresses in links), and the tokens that some addresses carry
(unsubscribe, invitation and confirmation links) are replaced by ``[token]``.

``JsonFormatter`` writes each record as one JSON object per line (``LOG_FORMAT=json``), for a
log collector. A formatter of a few lines rather than python-json-logger: the portal decides
which fields go out (only plain values, never an object such as the request, whose text holds
the query string), and needs no dependency for it.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

import sentry_sdk
from django.utils.functional import empty

logger = logging.getLogger("lsa_portal.requests")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# What a proxy may send as X-Request-ID: nginx's $request_id (32 hex digits), a UUID, or a
# similar token. Anything else (too long, spaces, control characters that would forge a log
# line) is replaced by a new id.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
# URL parameters that are secrets of one person: links from mails, allauth's keys.
SECRET_URL_PARAMETERS = re.compile(r"token|key|uid", re.IGNORECASE)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """The proxy's id when it is well formed, else a new one."""
    if value and VALID_REQUEST_ID.fullmatch(value):
        return value
    return new_request_id()


def loggable_path(path: str, kwargs: dict | None = None) -> str:
    """``path`` with the values of secret URL parameters (``token``, ``key``, ``uidb36``)
    replaced by ``[token]``; ``kwargs`` are the resolved URL's parameters (resolved here when
    not given)."""
    if kwargs is None:
        from django.urls import Resolver404, resolve

        try:
            kwargs = resolve(path).kwargs
        except Resolver404:
            return path
    for name, value in kwargs.items():
        if SECRET_URL_PARAMETERS.search(name) and str(value):
            path = path.replace(str(value), "[token]")
    return path


class RequestIdFilter(logging.Filter):
    """Put the id of the request being handled (or ``-``) on every record, as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, request_id, the plain
    values passed as ``extra`` (method, path, status, ...) and the traceback, if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for key, value in record.__dict__.items():
            plain = value is None or isinstance(value, str | int | float | bool)
            if plain and key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestLogMiddleware:
    """The request id, and one log line per request (see the module's docstring). First in
    MIDDLEWARE, so that the line has the final status and the whole duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = accepted_request_id(request.headers.get("X-Request-ID"))
        request.request_id = rid
        token = request_id.set(rid)
        sentry_sdk.set_tag("request_id", rid)  # does nothing without SENTRY_DSN
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = (time.perf_counter() - started) * 1000
            response["X-Request-ID"] = rid
            match = getattr(request, "resolver_match", None)
            path = loggable_path(request.path, match.kwargs if match else {})
            user_id = _user_id(request)
            logger.info(
                "%s %s %s %.1fms user=%s",
                request.method,
                path,
                response.status_code,
                duration,
                user_id if user_id is not None else "-",
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round(duration, 1),
                    "user_id": user_id,
                },
            )
            return response
        finally:
            request_id.reset(token)


def _user_id(request) -> int | None:
    """The user's number, when the request looked at its user (no session is read for this)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None
