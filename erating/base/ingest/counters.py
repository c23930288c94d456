"""Fixed-window counters for the abuse limits (limits.py), in Django's default cache: Redis when
REDIS_URL is set, so every app server counts together; the per-process memory cache otherwise.

    add({key: delta, ...}, window) -> {key: count in this window, after adding}

Why not cache.incr(): Django's Redis backend makes two round trips per increment (EXISTS, then
INCRBY). Here all keys of a call share one pipelined round trip (SET NX with the window's
expiry, then INCRBY).
Keys are made by the cache's own make_key, so the counters are the cache's entries (cache.get
reads them).
"""
import re
import time

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from redis.exceptions import RedisError as UNAVAILABLE  # noqa: F401 - what callers catch: counters.UNAVAILABLE

clock = time.time  # the windows' clock (tests hold it still, so no window ends mid-test)
_shared = None


def cache():
    """One client of the default cache per process (django.core.cache.cache is one per thread,
    and for Redis each is a connection pool of its own). LocMemCache and Redis clients are
    thread-safe, so one is enough."""
    global _shared
    if _shared is None:
        _shared = caches.create_connection(DEFAULT_CACHE_ALIAS)
    return _shared


@receiver(setting_changed)
def _forget(setting, **_kwargs):
    global _shared
    if setting == "CACHES":
        _shared = None


def redis_url():
    """The Redis server the default cache writes to, or None for another backend."""
    conf = settings.CACHES[DEFAULT_CACHE_ALIAS]
    if not conf["BACKEND"].endswith(".RedisCache"):
        return None
    location = conf["LOCATION"]
    if isinstance(location, str):
        location = re.split("[;,]", location)  # as Django's backend splits it
    return location[0]  # Django's Redis backend writes to the first server


def _slotted(deltas, window):
    slot = int(clock() // window)
    return [(cache().make_key(f"{key}:{slot}"), delta, window) for key, delta in deltas.items()]


def _pipeline(pipe, slotted):
    for full_key, delta, window in slotted:
        pipe.set(full_key, 0, ex=window + 5, nx=True)
        pipe.incrby(full_key, delta)


def add(deltas, window):
    if not deltas:
        return {}
    if redis_url() is None:
        return {key: _add_to_cache(key, delta, window) for key, delta in deltas.items()}
    client = cache()._cache.get_client(write=True)  # the backend's own pool and options
    with client.pipeline(transaction=False) as pipe:
        _pipeline(pipe, _slotted(deltas, window))
        replies = pipe.execute()
    return {key: int(value) for key, value in zip(deltas, replies[1::2])}


def _add_to_cache(key, delta, window):
    full_key = f"{key}:{int(clock() // window)}"
    store = cache()
    try:
        return store.incr(full_key, delta)
    except ValueError:  # first count in this window (or the key just expired)
        if store.add(full_key, delta, timeout=window + 5):
            return delta
        return store.incr(full_key, delta)  # another request created it meanwhile
