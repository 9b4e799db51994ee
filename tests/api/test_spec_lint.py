"""The open-data API's OpenAPI document against the NLGov API Design Rules, as encoded in
api/spectral.yaml (issue 15): the live document lints clean, and the ruleset demonstrably fires
on each rule, so it cannot silently become a no-op."""

from __future__ import annotations

import copy

import pytest

from tests.api.lint import findings, lint

SPEC_URL = "/api/v1/openapi.json"

PROBLEM = {"$ref": "#/components/responses/Probleem"}
VERSION_HEADER = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "De korte naam in de adresregel.",
    "schema": {"type": "string"},
}


def compliant_document() -> dict:
    """A small document that keeps every rule: the yardstick the violations below start from."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wijkondernemingen",
            "version": "1.0.0",
            "description": "Open gegevens over wijkondernemingen in Nederland.",
            "contact": {
                "name": "Beheer van het portaal",
                "url": "https://portaal.example.nl/contact",
                "email": "api@portaal.example.nl",
            },
        },
        "servers": [{"url": "/api/v1", "description": "Dit portaal."}],
        "tags": [{"name": "wijkondernemingen", "description": "Gepubliceerde wijkondernemingen."}],
        "paths": {
            "/wijkondernemingen": {
                "get": {
                    "operationId": "lijstWijkondernemingen",
                    "summary": "Wijkondernemingen",
                    "description": "Alle gepubliceerde wijkondernemingen, per pagina.",
                    "tags": ["wijkondernemingen"],
                    "parameters": [
                        {
                            "name": "pagina",
                            "in": "query",
                            "description": "Het nummer van de pagina, vanaf 1.",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "Een pagina wijkondernemingen.",
                            "headers": VERSION_HEADER,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Pagina"}
                                }
                            },
                        },
                        "400": PROBLEM,
                    },
                }
            },
            "/wijkondernemingen/{slug}": {
                "get": {
                    "operationId": "toonWijkonderneming",
                    "summary": "Een wijkonderneming",
                    "description": "Eén gepubliceerde wijkonderneming.",
                    "tags": ["wijkondernemingen"],
                    "parameters": [dict(SLUG)],
                    "responses": {
                        "200": {
                            "description": "De wijkonderneming.",
                            "headers": VERSION_HEADER,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Wijkonderneming"}
                                }
                            },
                        },
                        "400": PROBLEM,
                        "404": PROBLEM,
                    },
                }
            },
        },
        "components": {
            "headers": {
                "API-Version": {
                    "description": "De volledige versie van de API.",
                    "schema": {"type": "string", "example": "1.0.0"},
                }
            },
            "responses": {
                "Probleem": {
                    "description": "Een fout, als probleembeschrijving (RFC 9457).",
                    "headers": VERSION_HEADER,
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Probleem"}
                        }
                    },
                }
            },
            "schemas": {
                "Wijkonderneming": {
                    "type": "object",
                    "description": "Een gepubliceerde wijkonderneming.",
                    "required": ["naam"],
                    "properties": {"naam": {"type": "string", "description": "De naam."}},
                },
                "Links": {
                    "type": "object",
                    "description": "Verwijzingen naar de pagina's ernaast.",
                    "properties": {
                        "next": {
                            "type": ["string", "null"],
                            "description": "De volgende pagina, of leeg op de laatste.",
                        },
                        "prev": {
                            "type": ["string", "null"],
                            "description": "De vorige pagina, of leeg op de eerste.",
                        },
                    },
                },
                "Pagina": {
                    "type": "object",
                    "description": "Een pagina uit een verzameling.",
                    "properties": {
                        "_links": {"$ref": "#/components/schemas/Links"},
                        "resultaten": {
                            "type": "array",
                            "description": "De wijkondernemingen op deze pagina.",
                            "items": {"$ref": "#/components/schemas/Wijkonderneming"},
                        },
                    },
                },
                "Probleem": {
                    "type": "object",
                    "description": "Een probleembeschrijving volgens RFC 9457.",
                    "properties": {
                        "status": {"type": "integer", "description": "De HTTP-statuscode."},
                        "title": {"type": "string", "description": "Het soort probleem."},
                        "detail": {"type": "string", "description": "Wat er precies misging."},
                    },
                },
            },
        },
    }


def _operation(operation_id: str, parameters: list[dict] | None = None) -> dict:
    """A GET that keeps every rule, for the paths the violations add."""
    return {
        "operationId": operation_id,
        "summary": "Een onderdeel",
        "description": "Een onderdeel van het portaal.",
        "tags": ["wijkondernemingen"],
        "parameters": parameters or [],
        "responses": {
            "200": {
                "description": "Het onderdeel.",
                "headers": VERSION_HEADER,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Wijkonderneming"}}
                },
            },
            "400": PROBLEM,
        },
    }


def _break(document: dict) -> list[tuple[str, str]]:
    """Break ``document`` once for every rule of api/spectral.yaml, each in its own place;
    returns each expected finding: its place (Spectral's notation) and rule id."""
    paths = document["paths"]
    info = document["info"]
    schemas = document["components"]["schemas"]
    listing = paths["/wijkondernemingen"]["get"]
    detail = paths["/wijkondernemingen/{slug}"]["get"]

    info["version"] = "1.0"
    del info["description"]
    del info["contact"]["email"]
    document["openapi"] = "3.1"
    document["servers"] += [
        {"url": "https://portaal.example.nl/api", "description": "Zonder versie."},
        {"url": "http://portaal.example.nl/api/v1", "description": "Zonder TLS."},
    ]
    paths["/gemeenten/"] = {"get": _operation("gemeentenMetSlash")}
    paths["/v1/gemeenten"] = {"get": _operation("gemeentenMetVersie")}
    paths["/jaarCijfers"] = {"get": _operation("jaarcijfers")}
    paths["/kennisbank/{slug}"] = {"get": _operation("kennisbankItem", [dict(SLUG)])}
    paths["/wijkondernemingen"]["post"] = {
        **_operation("nieuweWijkonderneming"),
        "responses": copy.deepcopy(detail["responses"]),
    }
    listing["description"] = "Returns the list of enterprises."
    listing["parameters"].append(
        {
            "name": "pagina_grootte",
            "in": "query",
            "description": "Het aantal per pagina.",
            "schema": {"type": "integer"},
        }
    )
    del listing["responses"]["200"]["headers"]
    del listing["responses"]["400"]
    detail["description"] = "  "
    del detail["parameters"][0]["description"]
    detail["responses"]["200"]["headers"] = {
        "ETag": {"description": "De versie van de gegevens.", "schema": {"type": "string"}}
    }
    detail["responses"]["404"] = {
        "description": "Niet gevonden.",
        "headers": VERSION_HEADER,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    paths["/kennisbank/{slug}"]["get"]["responses"]["404"] = {
        "description": "Niet gevonden.",
        "headers": VERSION_HEADER,
        "content": {
            "application/problem+json": {
                "schema": {
                    "type": "object",
                    "properties": {"title": {"type": "string", "description": "Het soort."}},
                }
            }
        },
    }
    del schemas["Wijkonderneming"]["description"]
    del schemas["Wijkonderneming"]["properties"]["naam"]["description"]
    del schemas["Links"]["properties"]["prev"]
    schemas["probleem_extra"] = schemas.pop("Probleem")
    for response in document["components"]["responses"].values():
        response["content"]["application/problem+json"]["schema"]["$ref"] = (
            "#/components/schemas/probleem_extra"
        )
    return [
        ("openapi", "nlgov:openapi3"),
        ("info.version", "nlgov:semver"),
        ("info", "info-description"),
        ("info.contact", "nlgov:info-contact-fields-exist"),
        ("servers[1].url", "nlgov:include-major-version-in-uri"),
        ("servers[2].url", "nlgov:servers-use-https"),
        ("paths./gemeenten/", "nlgov:paths-no-trailing-slash"),
        ("paths./v1/gemeenten", "lsa:paths-relative-to-versioned-server"),
        ("paths./jaarCijfers", "nlgov:paths-kebab-case"),
        ("paths./kennisbank/{slug}", "lsa:collection-names-plural"),
        ("paths./wijkondernemingen.post", "lsa:read-only-methods"),
        ("paths./wijkondernemingen.get.description", "lsa:description-in-dutch"),
        ("paths./wijkondernemingen.get.parameters[1].name", "nlgov:query-keys-camel-case"),
        ("paths./wijkondernemingen.get.responses[200]", "nlgov:missing-header"),
        ("paths./wijkondernemingen.get.responses", "nlgov:problem-invalid-input"),
        ("paths./wijkondernemingen.get.responses[200]", "lsa:pagination-links"),
        ("paths./wijkondernemingen/{slug}.get.description", "lsa:operation-description"),
        ("paths./wijkondernemingen/{slug}.get.parameters[0]", "lsa:parameter-description"),
        (
            "paths./wijkondernemingen/{slug}.get.responses[200].headers",
            "nlgov:missing-version-header",
        ),
        ("paths./wijkondernemingen/{slug}.get.responses[404].content", "nlgov:use-problem-schema"),
        (
            "paths./kennisbank/{slug}.get.responses[404].content.application/problem+json.schema"
            ".properties",
            "nlgov:problem-schema-members",
        ),
        ("components.schemas.probleem_extra", "nlgov:schema-camel-case"),
        ("components.schemas.Wijkonderneming", "lsa:schema-description"),
        ("components.schemas.Wijkonderneming.properties.naam", "lsa:property-description"),
    ]


def _dotted(segments: list) -> str:
    """Spectral's own notation for a finding's place: paths./x.get.responses[200]."""
    dotted = ""
    for segment in segments:
        if str(segment).isdigit():
            dotted += f"[{segment}]"
        else:
            dotted += f".{segment}" if dotted else str(segment)
    return dotted


def test_the_compliant_document_lints_clean(tmp_path):
    result = lint(compliant_document(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_ruleset_reports_each_violation_with_its_rule(tmp_path):
    """One violation of every rule, each where it was made: a rule that stops firing (a typo in
    a JSONPath, a Spectral upgrade that reads it otherwise) fails here."""
    document = compliant_document()
    expected = _break(document)
    found = {(_dotted(result["path"]), result["code"]) for result in findings(document, tmp_path)}
    missing = set(expected) - found
    assert not missing, f"not reported: {sorted(missing)}\nreported: {sorted(found)}"


def test_every_rule_of_the_ruleset_has_a_violation_above():
    """A rule added to api/spectral.yaml gets its case in _break()."""
    import yaml

    from tests.api.lint import RULESET

    rules = yaml.safe_load(RULESET.read_text(encoding="utf-8"))["rules"]
    own = {name for name, rule in rules.items() if isinstance(rule, dict)}
    expected = {code for _, code in _break(compliant_document())}
    assert own <= expected, sorted(own - expected)


@pytest.mark.django_db
def test_the_live_openapi_document_keeps_the_design_rules(client, tmp_path):
    """/api/v1/openapi.json as the app serves it, linted with --fail-severity=warn: a warning
    fails as an error does, and the failure shows Spectral's report."""
    response = client.get(SPEC_URL)
    assert response.status_code == 200, response.content[:500]
    result = lint(response.json(), tmp_path)
    assert result.returncode == 0, f"Spectral on {SPEC_URL}:\n{result.stdout}{result.stderr}"
