"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django makes a new ``redis.Redis`` for every cache call; its constructor builds redis-py's
table of response callbacks each time, which costs more than the call itself on a page that
reads its session and a cached fragment. A client is safe to share between threads (each
command takes a connection from the pool), so one per pool is kept. Knows no app.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
