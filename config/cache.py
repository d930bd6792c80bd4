"""The default cache with ``REDIS_URL``: one Redis for every process, degrading to memory.

What the default cache holds are the counters that limit people: allauth's rate
limits (failed logins, password resets, confirmation emails) and the brief PDF
limit. Counted in each process's memory, every limit was multiplied by the
number of server processes; counted in Redis, it holds once for all of them.

When Redis does not answer (refused, unreachable, timed out), each process
counts in its own memory instead, and asks Redis again after
``OUTAGE_RETRY_SECONDS``. So a Redis outage neither fails open (no limit at
all) nor closed (everyone refused): every limit still holds, per process, as it
did before Redis held them, and no request fails because a counter could not be
read (docs/decisions.md, "Limits shared by every process").
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
FALLBACK_ENTRIES = 10_000


class _Outage:
    """Whether Redis at one location is being skipped, shared by every thread
    of the process (Django builds one cache instance per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.until = 0.0

    def skipping(self) -> bool:
        return time.monotonic() < self.until

    def begin(self, seconds: float, error: Exception) -> None:
        with self.lock:
            started = self.until == 0.0
            self.until = time.monotonic() + seconds
        if started:
            # The kind of failure only: keys name addresses and (hashed) accounts.
            logger.warning(
                "default cache: Redis unreachable (%s); limits are counted in this "
                "process's memory until it answers",
                type(error).__name__,
            )

    def end(self) -> None:
        if self.until:
            with self.lock:
                self.until = 0.0
            logger.warning("default cache: Redis answers again; limits are shared again")


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _degrading(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if not self._outage.skipping():
            try:
                result = redis_method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._outage.begin(self._retry_seconds, error)
            else:
                self._outage.end()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


class DegradingRedisCache(RedisCache):
    """Django's ``RedisCache``, falling back to this process's memory while Redis
    is unreachable. ``clear()`` deletes this cache's keys only (``KEY_PREFIX``),
    never the whole Redis database the channel layer shares."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        self._retry_seconds = float(options.pop("OUTAGE_RETRY_SECONDS", 5))
        params["OPTIONS"] = options  # the rest goes to redis-py's connection pool
        super().__init__(server, params)
        location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage_for(location)
        self._fallback = LocMemCache(
            f"redis-fallback:{location}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "KEY_FUNCTION": params.get("KEY_FUNCTION"),
                # Culling would forget counts, i.e. lift limits: room for many.
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_ENTRIES},
            },
        )

    add = _degrading("add")
    get = _degrading("get")
    set = _degrading("set")
    touch = _degrading("touch")
    delete = _degrading("delete")
    get_many = _degrading("get_many")
    has_key = _degrading("has_key")
    incr = _degrading("incr")
    set_many = _degrading("set_many")
    delete_many = _degrading("delete_many")

    def clear(self):
        self._fallback.clear()
        try:
            client = self._cache.get_client(write=True)
            # Django's keys are "<KEY_PREFIX>:<version>:<key>": every version of ours.
            pattern = f"{self.key_prefix}:*"
            batch = []
            for key in client.scan_iter(match=pattern, count=500):
                batch.append(key)
                if len(batch) == 500:
                    client.unlink(*batch)
                    batch = []
            if batch:
                client.unlink(*batch)
        except UNREACHABLE as error:
            self._outage.begin(self._retry_seconds, error)
        return True
