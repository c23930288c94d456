"""The per-process lookups of ingest (ingest_cache) and of the device token check, as the
asynchronous rating route uses them: under cached_only() a miss raises instead of querying, and
an entry past its TTL answers once more, for at most GRACE, while one reload is arranged."""
import time
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.api import ratings
from erating.api.auth import DeviceRevoked
from erating.base.models import Device
from erating.base.models.devices import hash_token
from erating.base.services import ingest_cache


@pytest.fixture(autouse=True)
def empty_caches():
    ingest_cache.clear()
    ratings._devices.clear()
    yield
    ingest_cache.clear()
    ratings._devices.clear()


def age(entries, seconds):
    """Make every entry look `seconds` past its expiry."""
    for key, (_expires, value) in list(entries.items()):
        entries[key] = (time.monotonic() - seconds, value)


def test_it_raises_instead_of_querying_on_a_miss(world, django_assert_num_queries):
    code = world.home.counter.code
    with django_assert_num_queries(0), ingest_cache.cached_only(), pytest.raises(ingest_cache.CacheMiss):
        ingest_cache.target_by_code(code, world.home.agency.id)
    assert ingest_cache.target_by_code(code, world.home.agency.id).id == world.home.counter.id  # loads
    with django_assert_num_queries(0), ingest_cache.cached_only() as stale:
        assert ingest_cache.target_by_code(code, world.home.agency.id).id == world.home.counter.id
    assert stale == {}  # fresh: nothing to reload


def test_it_answers_a_stale_target_once_and_reloads_it_in_one_job(world, django_assert_num_queries):
    agency_id, code = world.home.agency.id, world.home.counter.code
    ingest_cache.target_by_code(code, agency_id)
    with scopes_disabled():
        world.home.counter.__class__.objects.filter(pk=world.home.counter.pk).update(active=False)  # no signal
    age(ingest_cache._entries, 1)
    with django_assert_num_queries(0), ingest_cache.cached_only() as stale:
        assert ingest_cache.target_by_code(code, agency_id).active  # the stale answer
        ingest_cache.target_by_code(world.home.service.code, agency_id)
    assert len(stale) == 2
    jobs = ingest_cache.refresh_later(stale)
    assert jobs and ingest_cache.refresh_later(stale) == {}  # a second request does not reload again
    ingest_cache.refresh(jobs)
    with ingest_cache.cached_only() as stale:
        assert not ingest_cache.target_by_code(code, agency_id).active  # reloaded
    assert stale == {}
    assert ingest_cache._refreshing == set()


def test_it_stops_answering_past_the_grace(world):
    ingest_cache.target_by_code(world.home.counter.code, world.home.agency.id)
    age(ingest_cache._entries, ingest_cache.GRACE + 1)
    with ingest_cache.cached_only(), pytest.raises(ingest_cache.CacheMiss):
        ingest_cache.target_by_code(world.home.counter.code, world.home.agency.id)


def test_it_forgets_a_device_revoked_elsewhere_when_reloading_it(world):
    token = Device.new_token()
    with scopes_disabled():
        device = Device.objects.create(agency=world.home.agency, premise=world.home.premise, name="Tablet",
                                       token_hash=hash_token(token))
    request = SimpleNamespace(META={"HTTP_AUTHORIZATION": f"Bearer {token}"})
    assert ratings.rating_auth(request) == device
    with scopes_disabled():
        Device.objects.filter(pk=device.pk).update(revoked_at=timezone.now())  # another process: no signal
    age(ratings._devices, 1)
    with ingest_cache.cached_only() as stale:
        assert ratings.rating_auth(request) == device  # stale, while the reload is arranged
    ingest_cache.refresh(ingest_cache.refresh_later(stale))
    with ingest_cache.cached_only(), pytest.raises(ingest_cache.CacheMiss):
        ratings.rating_auth(request)
    with pytest.raises(DeviceRevoked):
        ratings.rating_auth(request)  # where the database may be read
