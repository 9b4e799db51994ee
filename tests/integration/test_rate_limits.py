"""allauth's rate limits count in the shared cache: with REDIS_URL, every web process sees the
same attempts (a per-process cache would multiply the limit by the number of workers)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import require_service
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _redis():
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except (redis.RedisError, ValueError):
        return None
    return client


def test_failed_log_ins_are_counted_in_redis(client):
    redis_client = _redis() if settings.REDIS_URL else None
    require_service(redis_client is not None, "Redis as REDIS_URL")
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": "fout"})
    keys = [key.decode() for key in redis_client.scan_iter(match="*allauth:rl:*", count=1000)]
    assert any(":login_failed:" in key for key in keys), keys
