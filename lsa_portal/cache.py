"""Django's Redis cache backend, keeping one Redis client per connection pool, and serving on
when Redis cannot be reached.

Django makes a new ``redis.Redis`` for every cache call; its constructor builds redis-py's
table of response callbacks each time, which costs more than the call itself on a page that
reads its session and a cached fragment. A client is safe to share between threads (each
command takes a connection from the pool), so one per pool is kept.

When Redis does not answer (stopped, restarting, unreachable, too slow for the socket
timeouts in ``OPTIONS``), the cache behaves like Django's dummy cache instead of raising:
``get`` misses, ``set`` and ``delete`` do nothing, ``add`` says it stored (so allauth's rate
limit lock and the knowledge forms' limit let the request through), ``incr`` raises
``ValueError`` as for a missing key. Pages are then rendered uncached and sessions come from
the database (``cached_db``). After a failure Redis is left alone for ``retry_after`` seconds
(an ``OPTIONS`` key, default 5), so a dead Redis costs one connection attempt per process
every few seconds, not one per cache call. The log says so once when Redis is lost and once
when it is back, per process.

Whatever the portal wrote or deleted while Redis was away did not reach it; if Redis kept its
data (a network fault, a paused server), those keys would serve stale values once it is back: a
session that was logged out, a fragment whose version was bumped. They are remembered and
deleted before Redis is used again (past ``MAX_REMEMBERED`` keys the whole cache database is
cleared instead). Each process remembers only its own changes: until a process that changed
keys during the outage touches the cache again, the others may still read those keys (README,
"When Redis is down"). Knows no app.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
MAX_REMEMBERED = 10_000
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)


def _where(servers: list[str]) -> str:
    """Host, port and database of the servers, without any password the URL carries."""
    places = []
    for server in servers:
        url = urlsplit(server)
        if url.hostname:
            places.append(f"{url.hostname}:{url.port or 6379}{url.path or '/0'}")
        else:
            places.append(url.path or server.split("@")[-1])
    return ", ".join(places)


class Outage:
    """Whether one Redis answered the last time this process asked it, shared by every thread
    (Django makes a cache backend per thread) and by every backend that uses the same servers."""

    def __init__(self, where: str, retry_after: float):
        self.where = where
        self.retry_after = retry_after
        self.down_since: float | None = None
        self.next_try = 0.0
        self.unsaved: set[str] = set()
        self.clear_all = False
        self._lock = threading.Lock()
        # One thread at a time brings Redis back, so none reads a key before it is dropped.
        self.recovery = threading.Lock()

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def skip(self) -> bool:
        """Down, and too soon to try again."""
        return self.down_since is not None and time.monotonic() < self.next_try

    def remember(self, keys=(), *, everything: bool = False) -> None:
        """Keys changed while Redis was away, to delete before it is used again."""
        with self._lock:
            if everything or len(self.unsaved) + len(keys) > MAX_REMEMBERED:
                self.clear_all = True
                self.unsaved.clear()
            elif not self.clear_all:
                self.unsaved.update(keys)

    def failed(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            self.next_try = now + self.retry_after
            if self.down_since is not None:
                return  # said once already
            self.down_since = now
        logger.warning(
            "The cache (Redis at %s) cannot be reached (%s): pages are served without it, "
            "sessions are read from the database and rate limits are not counted; "
            "trying again every %s s.",
            self.where,
            error,
            f"{self.retry_after:g}",
        )

    def take_unsaved(self) -> tuple[bool, set[str]]:
        with self._lock:
            taken = self.clear_all, self.unsaved
            self.clear_all, self.unsaved = False, set()
        return taken

    def recovered(self, dropped: int | str) -> None:
        with self._lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
        logger.info(
            "The cache (Redis at %s) answers again after %.0f s; the keys changed meanwhile "
            "were dropped from it (%s).",
            self.where,
            seconds,
            dropped,
        )


_outages: dict[tuple[str, ...], Outage] = {}
_outages_lock = threading.Lock()


def outage_for(servers: list[str], retry_after: float = RETRY_AFTER_SECONDS) -> Outage:
    """The one :class:`Outage` of these servers in this process."""
    with _outages_lock:
        key = tuple(servers)
        if key not in _outages:
            _outages[key] = Outage(_where(servers), retry_after)
        _outages[key].retry_after = retry_after
        return _outages[key]


def _raise_missing():
    raise ValueError("the cache cannot be reached, so the key is not there")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client with one ``redis.Redis`` per pool, answering like a cache that keeps
    nothing while Redis is unreachable."""

    # Django's private parts used here, which django-stubs leaves out of RedisCacheClient.
    _client: type[redis.Redis]
    if TYPE_CHECKING:

        def _get_connection_pool(self, write: bool) -> redis.ConnectionPool: ...

    def __init__(self, servers, *, outage: Outage, **options):
        # A connection the pool kept from before a Redis restart fails once: try once more on a
        # new one at once. A timeout is not retried (it would double the wait on a hung Redis).
        once = Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))
        options.setdefault("retry", once)
        super().__init__(servers, **options)
        self._clients: dict[int, redis.Redis] = {}
        self._outage = outage

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _guarded(self, fallback, operation, *args, changes=()):
        """``operation(*args)``, or what a cache without the keys answers (``fallback()``) when
        Redis cannot be reached; ``changes`` are the keys the operation writes or deletes."""
        outage = self._outage
        if outage.skip():
            outage.remember(changes)
            return fallback()
        try:
            if outage.is_down:
                self._drop_unsaved()
            result = operation(*args)
        except UNREACHABLE as error:
            outage.remember(changes)
            outage.failed(error)
            return fallback()
        return result

    def _drop_unsaved(self) -> None:
        """Back after an outage: first delete what changed meanwhile, then serve from Redis."""
        with self._outage.recovery:
            if self._outage.is_down:
                self._drop_unsaved_now()

    def _drop_unsaved_now(self) -> None:
        clear_all, keys = self._outage.take_unsaved()
        try:
            client = self.get_client(write=True)
            if clear_all:
                client.flushdb()
                dropped = "all of them"
            else:
                client.ping()  # nothing to delete: make sure Redis answers before trusting it
                ordered = sorted(keys)
                for start in range(0, len(ordered), 500):
                    client.delete(*ordered[start : start + 500])
                dropped = str(len(ordered))
        except UNREACHABLE:
            self._outage.remember(keys, everything=clear_all)
            raise
        self._outage.recovered(dropped)

    def add(self, key, value, timeout):
        return self._guarded(lambda: True, super().add, key, value, timeout)

    def get(self, key, default):
        return self._guarded(lambda: default, super().get, key, default)

    def set(self, key, value, timeout):
        return self._guarded(lambda: None, super().set, key, value, timeout, changes=[key])

    def touch(self, key, timeout):
        return self._guarded(lambda: False, super().touch, key, timeout)

    def delete(self, key):
        return self._guarded(lambda: False, super().delete, key, changes=[key])

    def get_many(self, keys):
        return self._guarded(dict, super().get_many, keys)

    def has_key(self, key):
        return self._guarded(lambda: False, super().has_key, key)

    def incr(self, key, delta):
        return self._guarded(_raise_missing, super().incr, key, delta, changes=[key])

    def set_many(self, data, timeout):
        return self._guarded(lambda: None, super().set_many, data, timeout, changes=list(data))

    def delete_many(self, keys):
        keys = list(keys)
        return self._guarded(lambda: None, super().delete_many, keys, changes=keys)

    def clear(self):
        try:
            return self._guarded(lambda: False, super().clear)
        finally:
            if self._outage.is_down:
                self._outage.remember(everything=True)


class RedisCache(DjangoRedisCache):
    """``OPTIONS`` go to redis-py's connection pool as in Django (``socket_timeout``,
    ``socket_connect_timeout``), except ``retry_after``: seconds to leave Redis alone after
    it failed to answer."""

    # Django's private attributes used here, which django-stubs leaves out of RedisCache.
    _servers: list[str]
    _options: dict[str, Any]

    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        self._retry_after = float(options.pop("retry_after", RETRY_AFTER_SECONDS))
        self._options = options
        self._class = ReusedClientRedisCacheClient

    @cached_property
    def outage(self) -> Outage:
        return outage_for(self._servers, self._retry_after)

    @cached_property
    def _cache(self):
        return self._class(self._servers, outage=self.outage, **self._options)
