"""What django-ninja does not write into the OpenAPI document by itself: paths relative to
the server ``/api/v1``, errors as problem+json, the headers every answer carries and the 304 of
a conditional request, all described in Dutch."""

from __future__ import annotations

from ninja import NinjaAPI

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
RESPONSES = {
    "200": "Gevonden.",
    "304": "Niet gewijzigd sinds de ETag in If-None-Match: geen inhoud.",
    "400": "Een parameter is niet geldig (zie invalidParams).",
    "404": "Niet gevonden of niet openbaar, of een pagina na de laatste.",
    "429": "Te veel verzoeken van deze client; zie Retry-After.",
    "500": "Een fout aan de kant van het portaal.",
}


def _header(description: str, example: str | None = None, type_: str = "string") -> dict:
    schema = {"type": type_}
    if example is not None:
        schema["example"] = example
    return {"description": description, "schema": schema}


API_VERSION_HEADER = _header("De volledige versie van de API (semver).", "1.0.0")
CORS_HEADER = _header("CORS: iedere herkomst mag lezen.", "*")
HEADERS = {
    "200": {
        "ETag": _header("De versie van deze inhoud, voor If-None-Match."),
        "Cache-Control": _header("Hoe lang het antwoord bewaard mag worden.", "public, max-age=60"),
    },
    "304": {"ETag": _header("De versie van deze inhoud.")},
    "429": {"Retry-After": _header("Over hoeveel seconden het weer kan.", type_="integer")},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "De ETag van een eerder antwoord: is de inhoud dezelfde, dan volgt 304.",
    "schema": {"type": "string"},
}


def complete(schema: dict) -> dict:
    """Every operation: Dutch descriptions of its answers, error bodies as problem+json, the
    API-Version and CORS headers on every answer, ETag, Cache-Control and 304 on success,
    Retry-After on 429, the If-None-Match parameter."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = {str(code): body for code, body in operation["responses"].items()}
            responses["304"] = {}
            for code, response in responses.items():
                response["description"] = RESPONSES.get(code, response.get("description", ""))
                if code.startswith(("4", "5")):
                    response["content"] = {"application/problem+json": {"schema": PROBLEM_REF}}
                response["headers"] = {
                    "API-Version": API_VERSION_HEADER,
                    "Access-Control-Allow-Origin": CORS_HEADER,
                    **HEADERS.get(code, {}),
                }
            operation["responses"] = dict(sorted(responses.items()))
            operation.setdefault("parameters", []).append(IF_NONE_MATCH)
    _drop_unused_schemas(schema)
    return schema


def _drop_unused_schemas(schema: dict) -> None:
    """Leave out the component schemas nothing refers to (Spectral's oas3-unused-component):
    ninja adds the Schema whose fields became a list's query parameters, though no operation
    refers to it. Repeated, as a dropped schema may have been the only one to refer to another
    (the schemas here refer to no schema of their own kind: none is recursive)."""
    components = schema.get("components", {}).get("schemas", {})
    while True:
        used = {reference.rsplit("/", 1)[-1] for reference in _references(schema)}
        unused = [name for name in components if name not in used]
        if not unused:
            return
        for name in unused:
            del components[name]


def _references(node):
    """Every ``$ref`` in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


class OpenDataNinja(NinjaAPI):
    """django-ninja with the document completed by ``complete`` and paths relative to the
    server ``/api/v1`` (the document's ``servers``)."""

    _document: dict | None = None

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Made once per process: it follows from the code alone (about 0.1 s to make).
        if self._document is None:
            self._document = complete(
                super().get_openapi_schema(path_prefix="", path_params=path_params)
            )
        return self._document
