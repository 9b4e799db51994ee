"""The portal's Redis cache with no Redis behind it answers like a cache that keeps nothing, so
no page fails on it; the rate limits that count in it let requests through; the log says so
once, without the URL's password. (tests/integration/test_cache_down.py stops a real one.)"""

import logging

import pytest
from django.test import RequestFactory

from knowledge import ratelimit
from lsa_portal import cache as portal_cache
from lsa_portal.cache import RedisCache

# Nothing listens on port 1: every connection is refused at once.
NOWHERE = "redis://:geheim-wachtwoord@127.0.0.1:1/3"


@pytest.fixture
def unreachable(monkeypatch) -> RedisCache:
    monkeypatch.setattr(portal_cache, "_outages", {})
    return RedisCache(NOWHERE, {"OPTIONS": {"socket_connect_timeout": 0.5, "retry_after": 60}})


def test_reads_miss_and_writes_do_nothing(unreachable):
    assert unreachable.get("sleutel") is None
    assert unreachable.get("sleutel", "standaard") == "standaard"
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.has_key("sleutel") is False
    assert "sleutel" not in unreachable
    unreachable.set("sleutel", 1)
    assert unreachable.set_many({"a": 1, "b": 2}) == []
    assert unreachable.delete("sleutel") is False
    unreachable.delete_many(["a", "b"])
    assert unreachable.touch("sleutel") is False
    assert unreachable.get_or_set("sleutel", lambda: "vers") == "vers"
    assert unreachable.clear() is False


def test_add_stores_as_far_as_anyone_can_tell_and_incr_finds_nothing(unreachable):
    # allauth's rate limit takes its lock with add() and waits a second for it when add() says
    # no; the knowledge forms count with add() and incr(), catching the ValueError.
    assert unreachable.add("slot", 1) is True
    with pytest.raises(ValueError):
        unreachable.incr("teller")
    with pytest.raises(ValueError):
        unreachable.decr("teller")


def test_the_public_forms_limit_lets_requests_through(unreachable, settings, monkeypatch):
    monkeypatch.setattr(ratelimit, "cache", unreachable)
    request = RequestFactory().post("/kennisbank/advies/", REMOTE_ADDR="192.0.2.7")
    limit, _ = settings.KNOWLEDGE_FORM_RATE_LIMIT
    assert not any(ratelimit.is_limited(request, "advies") for _ in range(limit + 5))


def test_the_outage_is_logged_once_without_the_password(unreachable, caplog):
    caplog.set_level(logging.INFO, logger="lsa_portal.cache")
    for _ in range(5):
        unreachable.get("sleutel")
        unreachable.set("sleutel", 1)
    records = [record for record in caplog.records if record.name == "lsa_portal.cache"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    message = records[0].getMessage()
    assert "127.0.0.1:1/3" in message
    assert "geheim" not in message
