"""Middleware of the portal as a whole."""

from django.http import Http404
from django.shortcuts import render


class DutchFirstMiddleware:
    """Show Dutch unless the visitor chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; the portal's
    audience is Dutch, so only an explicit choice (the language cookie) changes the language.
    Placed just before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Write the ``Permissions-Policy`` header from ``settings.PERMISSIONS_POLICY``.

    Django has no setting for it. The setting maps a feature to the origins allowed to use it
    (``[]`` switches the feature off everywhere, ``["self"]`` allows the portal itself).
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NoNulInAddressMiddleware:
    """No address of the portal contains a NUL character: such a request gets the 404 page.

    Tokens and keys in URLs (invitations, unsubscribe links, allauth's keys) are looked up in
    the database, and PostgreSQL refuses a NUL character in a query with an error; refusing it
    here keeps every such lookup, present and future, from turning into a 500. (Forms refuse NUL
    with a message of their own; search parameters drop or refuse it in their forms.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("NUL in the address")
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A 405 answers with the portal's error page, in the portal's look and language.

    Django's ``require_http_methods`` and class-based views answer 405 with an empty body, which
    a browser shows as a blank page. The ``Allow`` header stays as the view set it. Placed last,
    so that the page passes through every other middleware (language, CSRF, headers) like a
    page the view rendered itself; a HEAD answer loses its body in the server as always.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        page = render(request, "405.html", status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page
