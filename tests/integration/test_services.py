"""The same code on the production stack: PostgreSQL, and a real Celery worker over Redis."""

import os
import uuid

import pytest
from django.db import connection

from tests.conftest import require_service
from tests.factories import UserFactory
from tests.integration.conftest import _redis_answers

pytestmark = pytest.mark.integration


@pytest.mark.django_db
def test_runs_on_postgresql_with_case_insensitive_unique_email():
    require_service(connection.vendor == "postgresql", "PostgreSQL as DATABASE_URL")
    from django.db import IntegrityError, transaction

    UserFactory(email="hoofdletters@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="HOOFDLETTERS@example.org")


@pytest.mark.real_broker
def test_a_real_worker_runs_a_task_and_returns_its_result(celery_worker_queue):
    from lsa_portal.celery import ping

    result = ping.apply_async(queue=celery_worker_queue)
    assert result.get(timeout=30) == "pong"


@pytest.mark.real_broker
@pytest.mark.django_db
def test_health_reports_the_real_broker_and_cache(client, broker_url, settings):
    body = client.get("/health/").json()
    assert body["checks"]["broker"] == "ok"
    assert body["status"] == "ok"


def test_the_redis_cache_keeps_one_client_and_works_as_django_s(settings):
    url = os.environ.get("REDIS_URL", "")
    require_service(url.startswith("redis://") and _redis_answers(url), "Redis as REDIS_URL")
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    from lsa_portal.cache import RedisCache

    cache = RedisCache(url, {"KEY_PREFIX": f"proef-{uuid.uuid4().hex}"})
    reference = DjangoRedisCache(url, {"KEY_PREFIX": cache.key_prefix})
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.set("a", {"waarde": 1}, 60)
    cache.set("teller", 1, 60)
    cache.incr("teller")
    assert reference.get_many(["a", "teller"]) == {"a": {"waarde": 1}, "teller": 2}
    assert cache.get_many(["a", "teller", "b"]) == {"a": {"waarde": 1}, "teller": 2}
    cache.delete_many(["a", "teller"])
    assert reference.get("a") is None
