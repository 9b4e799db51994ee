"""What every answer of the API does, per the NLGov design rules: API-Version, problem+json,
no trailing slash, CORS for reading, no cookies, ETag and 304, HEAD, 405, the rate limit; and
the OpenAPI document, complete and naming only paths that answer."""

import re

import pytest
from django.test import Client, RequestFactory

from api import ratelimit
from lsa_portal import cache as portal_cache
from lsa_portal.cache import RedisCache
from tests.factories import (
    ArticleFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    ReportFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = pytest.mark.django_db

SEMVER = re.compile(r"\d+\.\d+\.\d+")


def _is_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert SEMVER.fullmatch(response["API-Version"])
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/gemeenten/",  # a trailing slash: 404, not a redirect to the address without
        "/api/v1/wijkondernemingen/",
        "/api/v1/",
        "/api/v1",  # never sent on to /api/v1/ by APPEND_SLASH
        "/api",
        "/api/v1/bestaat-niet",
        "/api/v1/wijkondernemingen/bestaat-niet",
        "/api/v1/kennisbank/rapporten/bestaat-niet",
        "/api/v1/gemeenten/GM0000",
    ],
)
def test_what_is_not_there_is_a_404_problem(client, path):
    body = _is_problem(client.get(path), 404)
    assert "Niet gevonden" in body["title"]


def test_a_bad_parameter_is_a_400_problem_naming_it(client):
    body = _is_problem(client.get("/api/v1/gemeenten", {"pagina": "twee"}), 400)
    assert body["invalidParams"] == [{"name": "pagina", "reason": "moet een geheel getal zijn"}]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_is_a_405_problem(client, method):
    response = getattr(client, method)("/api/v1/wijkondernemingen")
    _is_problem(response, 405)
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    _is_problem(getattr(client, method)("/api/v1/openapi.json"), 405)


def test_answers_are_open_for_reading_from_anywhere_and_set_no_cookie(client):
    client.force_login(UserFactory())  # a signed-in browser too: the API reads no session
    response = client.get("/api/v1/wijkondernemingen", HTTP_ORIGIN="https://elders.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "API-Version" in response["Access-Control-Expose-Headers"]
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_a_preflight_is_answered(client):
    response = client.options(
        "/api/v1/gemeenten",
        HTTP_ORIGIN="https://elders.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert response["API-Version"]


def test_an_unchanged_answer_is_a_304_and_a_changed_one_is_not(client):
    enterprise = EnterpriseFactory()
    first = client.get("/api/v1/wijkondernemingen")
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=60"
    again = client.get("/api/v1/wijkondernemingen", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["API-Version"] and again["ETag"] == etag
    enterprise.name = "Nieuwe naam"
    enterprise.save()
    changed = client.get("/api/v1/wijkondernemingen", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_if_none_match_compares_weakly_and_knows_the_star(client):
    EnterpriseFactory()
    etag = client.get("/api/v1/gemeenten")["ETag"]
    bare = etag.removeprefix("W/")
    for header in (f'"other", {etag}', f"W/{bare}", bare, "*"):
        answer = client.get("/api/v1/gemeenten", HTTP_IF_NONE_MATCH=header)
        assert answer.status_code == 304, header
        assert answer["ETag"] == etag and answer["Cache-Control"] == "public, max-age=60"
    assert client.get("/api/v1/gemeenten", HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_IF_MATCH": '"not-this-one"'},
        {"HTTP_IF_UNMODIFIED_SINCE": "Mon, 01 Jan 2024 00:00:00 GMT"},
        {"HTTP_IF_MODIFIED_SINCE": "Mon, 01 Jan 2024 00:00:00 GMT"},
    ],
)
def test_the_preconditions_of_a_write_change_nothing_for_a_read(client, header):
    # A read-only API has nothing for If-Match or a date to guard: the answer is the plain 200
    # (Django's own check would answer a bare 412 that is neither documented nor problem+json).
    EnterpriseFactory()
    answer = client.get("/api/v1/gemeenten", **header)
    assert answer.status_code == 200 and answer.json()["_embedded"]


def test_head_answers_like_get_without_a_body(client):
    get = client.get("/api/v1/gemeenten")
    head = client.head("/api/v1/gemeenten")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))
    assert head["API-Version"] == get["API-Version"]


def test_too_many_requests_is_a_429_problem_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = (3, 60)
    for _ in range(3):
        assert client.get("/api/v1/gemeenten").status_code == 200
    response = client.get("/api/v1/gemeenten")
    _is_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Counted per client: another address still gets its answer.
    assert Client(REMOTE_ADDR="192.0.2.9").get("/api/v1/gemeenten").status_code == 200


def test_the_limit_lets_requests_through_when_the_cache_is_down(settings, monkeypatch):
    monkeypatch.setattr(portal_cache, "_outages", {})
    unreachable = RedisCache(
        "redis://127.0.0.1:1/3", {"OPTIONS": {"socket_connect_timeout": 0.5, "retry_after": 60}}
    )
    monkeypatch.setattr(ratelimit, "cache", unreachable)
    settings.API_RATE_LIMIT = (2, 60)
    request = RequestFactory().get("/api/v1/gemeenten", REMOTE_ADDR="192.0.2.7")
    assert [ratelimit.over_limit(request) for _ in range(5)] == [None] * 5
    response = Client().get("/api/v1/gemeenten")
    assert response.status_code == 200


def test_the_limit_lets_requests_through_when_the_cache_fails_otherwise(client, monkeypatch):
    class Broken:
        def add(self, *args, **kwargs):
            raise RuntimeError("kapot")

    monkeypatch.setattr(ratelimit, "cache", Broken())
    assert client.get("/api/v1/gemeenten").status_code == 200


def test_a_server_error_is_a_500_problem(client, monkeypatch):
    from api import views

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(views.municipality_selectors, "municipality_index", broken)
    body = _is_problem(client.get("/api/v1/gemeenten"), 500)
    assert "kapot" not in str(body)


# --- The OpenAPI document ---------------------------------------------------------------------


def test_the_document_is_complete_and_in_dutch(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["API-Version"]
    document = response.json()
    assert document["openapi"].startswith("3.")
    info = document["info"]
    assert info["version"] == response["API-Version"]
    assert set(info["contact"]) == {"name", "url", "email"}
    assert info["license"]["name"] == "EUPL-1.2"
    assert document["servers"][0]["url"] == "/api/v1"
    for path, operations in document["paths"].items():
        assert not path.endswith("/"), path
        for method, operation in operations.items():
            assert method == "get"
            assert operation["summary"] and operation["operationId"]
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (path, parameter["name"])
            for code in ("200", "304", "400", "404", "429", "500"):
                answer = operation["responses"][code]
                assert answer["description"], (path, code)
                assert "API-Version" in answer["headers"]
                if code >= "400":
                    assert "application/problem+json" in answer["content"]
    for name, schema in document["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            assert spec.get("description"), (name, field)


def test_every_path_of_the_document_answers_200_json(client):
    enterprise = EnterpriseFactory()
    YearFiguresFactory(enterprise=enterprise)
    filled = {
        "/wijkondernemingen/{slug}": {"slug": enterprise.slug},
        "/wijkondernemingen/{slug}/jaarcijfers": {"slug": enterprise.slug},
        "/gemeenten/{code}": {"code": enterprise.municipality.cbs_code},
        "/kennisbank/rapporten/{slug}": {"slug": ReportFactory().slug},
        "/kennisbank/artikelen/{slug}": {"slug": ArticleFactory().slug},
        "/kennisbank/casusbeschrijvingen/{slug}": {"slug": CaseDescriptionFactory().slug},
    }
    document = client.get("/api/v1/openapi.json").json()
    server = document["servers"][0]["url"]
    assert document["paths"]
    for path in document["paths"]:
        url = server + path.format(**filled.get(path, {}))
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json; charset=utf-8", url
        assert response.json(), url


def test_the_api_speaks_dutch_whatever_the_site_language(client, settings):
    EnterpriseFactory(kind="dorpscooperatie")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/v1/wijkondernemingen")
    assert response.json()["_embedded"]["wijkondernemingen"][0]["soortNaam"] == "Dorpscoöperatie"
    assert "Vary" not in response
