"""Fixed-window counters (erating/base/services/counters.py) in process memory and in Redis:
batched deltas, expiry with the window, the same counts from the blocking and the awaited call."""
import asyncio

import pytest

from erating.api.tests.asgi_client import run  # a loop of its own, even after a browser test
from erating.base.services import counters


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


def test_it_counts_the_same_when_awaited(store):
    counters.add({"k": 1}, 60)
    assert run(counters.aadd({"k": 2, "other": 1}, 60)) == {"k": 3, "other": 1}
    assert counters.add({"k": 1}, 60) == {"k": 4}


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


def test_awaited_counts_arriving_together_share_one_round_trip(redis_cache):
    async def together():
        coalescer = counters._coalescer()
        real, round_trips = coalescer.client.pipeline, []

        def counting(**kwargs):
            round_trips.append(kwargs)
            return real(**kwargs)

        coalescer.client.pipeline = counting
        first = await counters.aadd({"c": 1}, 60)  # alone: its own round trip
        results = await asyncio.gather(*(counters.aadd({"c": 2, f"own{i}": 1}, 60) for i in range(5)))
        return first, results, len(round_trips)

    first, results, round_trips = run(together())
    assert first == {"c": 1}
    # As if one after another, in the order they arrived.
    assert [r["c"] for r in results] == [3, 5, 7, 9, 11]
    assert all(r[f"own{i}"] == 1 for i, r in enumerate(results))
    assert round_trips == 2
    assert counters.add({"c": 1}, 60) == {"c": 12}


def test_a_failed_round_trip_fails_every_caller_sharing_it(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there

    async def together():
        return await asyncio.gather(*(counters.aadd({"x": 1}, 60) for _ in range(3)), return_exceptions=True)

    outcomes = run(together())
    assert len(outcomes) == 3 and all(isinstance(o, counters.UNAVAILABLE) for o in outcomes)


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
        for call in (lambda: counters.add({"h": 1}, 60), lambda: run(counters.aadd({"h": 1}, 60))):
            start = time.monotonic()
            with pytest.raises(counters.UNAVAILABLE):
                call()
            assert time.monotonic() - start < 3
    finally:
        listener.close()
