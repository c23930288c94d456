"""Fixed-window counters (erating/base/ingest/counters.py) in process memory and in Redis:
batched deltas, expiry with the window."""
import pytest

from erating.base.ingest import counters


@pytest.fixture(autouse=True)
def held_clock(still_clock):
    """Every count here is made in one window: a real 30-60 s window ending mid-test would start
    a new count (tests that move the clock set their own)."""


@pytest.fixture(params=["memory", "redis"])
def store(request):
    """None for process memory, else the Redis server (conftest.redis_cache)."""
    if request.param == "memory":
        request.getfixturevalue("memory_cache")
        return None
    return request.getfixturevalue("redis_cache")


def test_it_adds_each_delta_and_returns_the_window_counts(store):
    assert counters.add({"a": 2, "b": 1}, 60) == {"a": 2, "b": 1}
    assert counters.add({"a": 3}, 60) == {"a": 5}
    assert counters.add({}, 60) == {}
    # The counters are the cache's own entries: what Django's cache API reads.
    assert counters.cache().get(f"a:{int(counters.clock() // 60)}") == 5


def test_redis_counters_expire_with_their_window(redis_cache):
    store = redis_cache
    counters.add({"w": 1}, 30)
    [key] = store.keys("*:w:*")
    assert 0 < store.ttl(key) <= 35
    store.expire(key, 10)  # as if 25 s of the window had passed
    assert counters.add({"w": 1}, 30) == {"w": 2}
    assert 0 < store.ttl(key) <= 10  # counting again does not extend the window


def test_it_starts_a_new_count_in_the_next_window(store, monkeypatch):
    now = counters.clock()
    monkeypatch.setattr(counters, "clock", lambda: now)
    assert counters.add({"n": 4}, 60) == {"n": 4}
    now += 60
    assert counters.add({"n": 1}, 60) == {"n": 1}


def test_it_reads_the_write_server_of_a_redis_location(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://primary:6379/0;redis://replica:6379/0"}}
    assert counters.redis_url() == "redis://primary:6379/0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert counters.redis_url() is None


def test_a_redis_that_stops_answering_fails_within_the_timeout(settings):
    """A host that accepts the connection and never replies (hung, or a black hole): the call
    gives up after the configured timeout, so the limits can let the request through."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{port}/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}}}
    try:
        for call in (lambda: counters.add({"h": 1}, 60),):
            start = time.monotonic()
            with pytest.raises(counters.UNAVAILABLE):
                call()
            assert time.monotonic() - start < 3
    finally:
        listener.close()
