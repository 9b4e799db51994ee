"""/health/ tells an operator whether every configured service answers."""

import pytest

from lsa_portal import health

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_everything_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in {"ok", "eager"}


def test_health_is_503_when_the_database_fails(client, monkeypatch):
    def broken():
        raise ConnectionError("database is down")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["database"] == "error"


def test_health_is_degraded_but_200_when_the_cache_fails(client, monkeypatch):
    # The site still serves every page without its cache: a load balancer must keep sending
    # visitors, while the body tells the operator's monitor what is wrong.
    def broken():
        raise ConnectionError("cache is down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == "error"


def test_health_reports_an_unreachable_broker_as_degraded(client, monkeypatch):
    from lsa_portal.celery import app

    connect = app.connection_for_write
    monkeypatch.setattr(app, "connection_for_write", lambda: connect("redis://127.0.0.1:1/0"))
    app.conf.task_always_eager = False  # the autouse fixture restores it
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"] == "error"
