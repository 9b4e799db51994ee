"""The cache's Redis goes away: every page still answers (uncached), logged-in people stay
logged in (sessions from the database), one can still log in (rate limits let the request
through), the log says so once, and caching resumes when Redis is back, without serving what
changed meanwhile from before.

The cache is a Redis of the test's own (lsa_portal.cache.RedisCache with the timeouts of
settings.REDIS_CACHE_OPTIONS), really stopped or paused."""

from __future__ import annotations

import logging
import time

import pytest
from django.test import Client

from lsa_portal import cache as portal_cache
from tests.factories import (
    DEFAULT_PASSWORD,
    ArticleFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    FAQFactory,
    MembershipFactory,
    MunicipalityFactory,
    ReportFactory,
    UserFactory,
    YearFiguresFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

YEAR = 2024


@pytest.fixture
def cache_on(settings, monkeypatch):
    """Make ``server`` the cache, leaving it alone ``retry_after`` seconds after a failure."""
    monkeypatch.setattr(portal_cache, "_outages", {})  # no outage of an earlier test

    def use(server, retry_after: float) -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "lsa_portal.cache.RedisCache",
                "LOCATION": server.url(1),
                "KEY_PREFIX": "lsa",
                "OPTIONS": {**settings.REDIS_CACHE_OPTIONS, "retry_after": retry_after},
            }
        }

    return use


@pytest.fixture
def world():
    town = MunicipalityFactory(name="Cachestad", slug="cachestad")
    enterprises = [
        EnterpriseFactory(municipality=town, name=f"Cachebedrijf {name}", slug=f"cache-{name}")
        for name in ("alfa", "bravo", "charlie")
    ]
    for enterprise in enterprises:
        YearFiguresFactory(enterprise=enterprise, year=YEAR)
    resident = UserFactory(email="blijft.ingelogd@example.org")
    MembershipFactory(enterprise=enterprises[0], user=resident)
    article = ArticleFactory(title="Energie van de buurt")
    case = CaseDescriptionFactory(title="Een casus in de cache")
    report = ReportFactory(title="Rapport over de cache")
    FAQFactory()
    return {
        "town": town,
        "enterprise": enterprises[0],
        "resident": resident,
        "public": [
            "/",
            "/wijkondernemingen/",
            "/wijkondernemingen/?q=cachebedrijf",
            f"/wijkondernemingen/{enterprises[0].slug}/",
            "/wijkondernemingen/benchmark/",
            "/kennisbank/",
            "/kennisbank/zoeken/?q=energie",
            "/kennisbank/veelgestelde-vragen/",
            f"/kennisbank/artikelen/{article.slug}/",
            f"/kennisbank/casussen/{case.slug}/",
            f"/kennisbank/rapporten/{report.slug}/",
            "/wijkbv/",
            "/gemeenten/",
            f"/gemeenten/{town.slug}/",
            f"/monitor/{YEAR}/",
            "/accounts/login/",
        ],
        "private": ["/account/", "/wijkondernemingen/mijn/"],
    }


def cache_log(caplog, level: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "lsa_portal.cache" and record.levelno == level
    ]


def fragment_keys(server) -> list[bytes]:
    return list(server.client(1).scan_iter(match="*fragments:*", count=1000))


def test_every_page_answers_while_the_cache_is_down_and_caching_resumes_after(
    client, world, own_redis, cache_on, caplog
):
    cache_on(own_redis, retry_after=0.5)
    caplog.set_level(logging.INFO, logger="lsa_portal.cache")
    visitor = Client()
    client.force_login(world["resident"])  # the session is in Redis and in the database
    for path in world["public"]:
        assert visitor.get(path).status_code == 200, path
    assert fragment_keys(own_redis), "the pages were not cached to begin with"

    own_redis.stop()
    for path in world["public"]:
        assert visitor.get(path).status_code == 200, path
    for path in world["private"]:
        response = client.get(path)
        assert response.status_code == 200, path  # still logged in: the session from the DB
    assert "blijft.ingelogd@example.org" in client.get("/account/").content.decode()
    newcomer = Client()  # logging in still works: the rate limit lets the request through
    login = {"login": UserFactory(email="nieuw@example.org").email, "password": DEFAULT_PASSWORD}
    response = newcomer.post("/accounts/login/", login)
    assert response.status_code == 302, response.content.decode()[:500]
    assert "nieuw@example.org" in newcomer.get("/account/").content.decode()

    warnings = cache_log(caplog, logging.WARNING)
    assert len(warnings) == 1, warnings  # once, not per request
    assert (
        "cannot be reached" in warnings[0] and "sessions are read from the database" in warnings[0]
    )
    assert not cache_log(caplog, logging.ERROR)

    own_redis.start()  # on the same port, empty
    time.sleep(0.6)  # retry_after
    assert visitor.get("/wijkondernemingen/").status_code == 200
    assert len(cache_log(caplog, logging.INFO)) == 1
    assert "answers again" in cache_log(caplog, logging.INFO)[0]
    assert fragment_keys(own_redis), "caching did not resume"
    assert len(cache_log(caplog, logging.WARNING)) == 1


def test_what_changed_while_the_cache_hung_is_not_served_from_before_once_it_answers(
    client, world, own_redis, cache_on, caplog, settings
):
    # A paused Redis keeps its data: what the portal wrote or deleted meanwhile never reached
    # it, and must not come back as it was. Two seconds without Redis after the first timeout.
    cache_on(own_redis, retry_after=2)
    caplog.set_level(logging.INFO, logger="lsa_portal.cache")
    visitor = Client()
    client.force_login(world["resident"])
    assert client.get("/account/").status_code == 200  # the session is cached
    assert "Cachebedrijf alfa" in visitor.get("/wijkondernemingen/").content.decode()

    own_redis.pause()
    started = time.monotonic()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    enterprise = world["enterprise"]
    enterprise.name = "Cachebedrijf Nieuwe Naam"
    enterprise.save()
    assert (
        time.monotonic() - started < 2 * settings.REDIS_TIMEOUT + 1
    )  # one timeout, not one per call
    own_redis.resume()

    time.sleep(2.1)  # retry_after
    # Logged out stays logged out, also for whoever kept the session's cookie.
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    assert client.get("/account/").status_code == 302
    directory = visitor.get("/wijkondernemingen/").content.decode()
    assert "Cachebedrijf Nieuwe Naam" in directory
    assert "Cachebedrijf alfa" not in directory
    assert len(cache_log(caplog, logging.WARNING)) == 1
    assert len(cache_log(caplog, logging.INFO)) == 1
