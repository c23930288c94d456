"""Burst flags on POST /api/v1/ratings through every entry point (test_it_ratings.client): counted
in process memory or in Redis, in order within
a batch, and never a reason to refuse a rating when the counter store is down."""
import logging

import pytest

from erating.api.tests.test_it_ratings import client, item, make_device, post, stored  # noqa: F401 (fixture)


@pytest.fixture(params=["memory", "redis"])
def counter_store(request):
    request.getfixturevalue("memory_cache" if request.param == "memory" else "redis_cache")


def flags(device, target):
    return list(stored(device=device, target=target).order_by("id").values_list("flagged", flat=True))


def test_it_flags_a_kiosk_burst_in_order_and_stores_every_rating(client, world, settings, counter_store,
                                                                 still_clock):
    settings.RATING_BURST_DEVICE_MAX = 3
    device, token = make_device(world.home)
    counter, service = world.home.counter, world.home.service
    batch = [item(counter) for _ in range(5)] + [item(service)]
    response = post(client, token, {"ratings": batch})
    assert response.status_code == 200 and response.json()["created"] == 6, response.content
    assert flags(device, counter) == [False, False, False, True, True]
    assert flags(device, service) == [False]
    for _ in range(2):  # single ratings go on counting in the same window
        assert post(client, token, item(counter)).json()["created"] == 1
        assert post(client, token, item(service)).json()["created"] == 1
    assert flags(device, counter) == [False, False, False, True, True, True, True]
    assert flags(device, service) == [False, False, False]


def test_it_stores_ratings_unflagged_when_the_counter_store_is_down(client, world, settings, caplog):
    settings.RATING_BURST_DEVICE_MAX = 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    device, token = make_device(world.home)
    with caplog.at_level(logging.WARNING, logger="erating.base.ingest.limits"):
        response = post(client, token, {"ratings": [item(world.home.counter) for _ in range(3)]})
        single = post(client, token, item(world.home.counter))
    assert response.status_code == 200 and response.json()["created"] == 3, response.content
    assert single.status_code == 200 and single.json()["created"] == 1
    assert flags(device, world.home.counter) == [False] * 4
    assert any("burst counters unavailable" in r.getMessage() for r in caplog.records)
