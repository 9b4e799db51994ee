"""Error answers as ``application/problem+json`` (RFC 9457), in Dutch like the whole API.

The API is a Dutch open-data contract (the NLGov REST API Design Rules): its texts are Dutch
and not translated, unlike the portal's pages.
"""

from __future__ import annotations

from django.http import JsonResponse

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "Ongeldig verzoek",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    429: "Te veel verzoeken",
    500: "Interne serverfout",
}
DETAILS = {
    400: "Het verzoek is niet geldig.",
    404: "Deze bron bestaat niet of is niet openbaar.",
    405: "Deze API kan alleen lezen: gebruik GET of HEAD.",
    429: "Te veel verzoeken vanaf uw adres. Probeer het later opnieuw.",
    500: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
}


def problem(
    status: int, detail: str | None = None, *, invalid_params: list[dict] | None = None
) -> JsonResponse:
    """A problem answer: ``type`` about:blank (the status says what kind of problem it is),
    a Dutch ``title`` and ``detail``, and for a 400 the parameters that were wrong."""
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail or DETAILS.get(status, TITLES.get(status, "Fout")),
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    return JsonResponse(
        body, status=status, content_type=PROBLEM_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def is_problem(response) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM_TYPE)
