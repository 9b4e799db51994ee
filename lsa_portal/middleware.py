"""Middleware of the portal as a whole."""


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
