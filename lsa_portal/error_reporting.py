"""Error reports through sentry-sdk, when ``SENTRY_DSN`` is set (Sentry, a self-hosted Sentry
or GlitchTip: they speak the same protocol), with personal data taken out on this server.

- sentry-sdk's default of sending no personal data (``send_default_pii`` left unset: newer
  versions deprecate that option for ``data_collection``, whose default is the same): the SDK
  attaches no user, IP address or SQL parameters, and filters cookies and sensitive headers.
- No request bodies (``max_request_body_size="never"``) and no local variables of stack frames:
  they hold what people typed (names, addresses, telephone numbers) in ways no pattern finds.
- ``scrub_event`` (``before_send``): of the request it keeps the method, the address without
  query string (secret tokens in it replaced) and harmless headers; of the user only the number;
  and it replaces every e-mail address in any text of the event (messages, exception values,
  breadcrumbs, tags) by ``[e-mail]``.

Each report carries the request id that the request's log lines have (``request_id`` tag), so
an error in the tracker leads to its lines in the log.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# Request headers that are safe to send; any other (Cookie, Authorization, X-Forwarded-For,
# X-Real-IP, Forwarded, X-CSRFToken, Referer: the previous address with its tokens and search
# words, ...) is left out.
KEPT_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "content-length",
        "content-type",
        "host",
        "hx-request",
        "user-agent",
        "x-forwarded-proto",
        "x-request-id",
    }
)
KEPT_USER_FIELDS = frozenset({"id"})


def start(
    dsn: str,
    *,
    environment: str,
    release: str = "",
    traces_sample_rate: float = 0.0,
    transport: Any = None,
) -> None:
    """Start sending error reports (settings.py calls this when SENTRY_DSN is set)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    # A request with a Host that ALLOWED_HOSTS refuses is logged at ERROR: scanners send them by
    # the thousand, and each would become a report.
    ignore_logger("django.security.DisallowedHost")
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        transport=transport,
    )


def scrub_event(event: Event, hint: Hint | None = None) -> Event:
    """Take personal data out of an event before it leaves the server (see the module)."""
    from .logs import loggable_path

    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "env", "query_string"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
            }
        url = request.get("url")
        if isinstance(url, str):
            scheme, separator, rest = url.partition("://")
            host, slash, path = rest.partition("/")
            try:
                path = loggable_path(slash + path.split("?", 1)[0]) if slash else ""
            except Exception:  # a report must go out even when the address cannot be resolved
                path = "/[path]"
            request["url"] = f"{scheme}{separator}{host}{path}"
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {key: value for key, value in user.items() if key in KEPT_USER_FIELDS}
    return _without_emails(event)


def _without_emails(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL.sub("[e-mail]", value)
    if isinstance(value, dict):
        return {key: _without_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_without_emails(item) for item in value)
    return value
