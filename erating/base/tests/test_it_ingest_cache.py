"""The per-process lookups of ingest (ingest_cache) and of the device token check: answered
from memory within their TTL, read again once it has passed, forgotten at once when this
process saves the model."""
import time
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.api import ratings
from erating.api.auth import DeviceRevoked
from erating.base.ingest import cache as ingest_cache
from erating.base.models import Device, Target
from erating.base.models.devices import hash_token


@pytest.fixture(autouse=True)
def empty_caches():
    ingest_cache.clear()
    ratings._devices.clear()
    yield
    ingest_cache.clear()
    ratings._devices.clear()


def expire(entries):
    """Make every entry look just past its expiry."""
    for key, (_expires, value) in list(entries.items()):
        entries[key] = (time.monotonic() - 0.001, value)


def test_it_answers_from_memory_until_the_ttl_has_passed(world, django_assert_num_queries):
    code, agency_id = world.home.counter.code, world.home.agency.id
    with django_assert_num_queries(1):  # the agency's whole target list
        assert ingest_cache.target_by_code(code, agency_id).id == world.home.counter.id
        assert ingest_cache.target_by_code(world.home.service.code, agency_id).id == world.home.service.id
    with scopes_disabled():
        Target.objects.filter(pk=world.home.counter.pk).update(active=False)  # another process: no signal
    with django_assert_num_queries(0):
        assert ingest_cache.target_by_code(code, agency_id).active  # still the remembered answer
    expire(ingest_cache._entries)
    with django_assert_num_queries(1):
        assert not ingest_cache.target_by_code(code, agency_id).active


def test_it_remembers_an_unknown_code_and_forgets_everything_on_a_save(world, django_assert_num_queries):
    with django_assert_num_queries(2):  # the agency's list, then the code itself
        assert ingest_cache.target_by_code("nosuchcode", world.home.agency.id) is None
    with django_assert_num_queries(0):
        assert ingest_cache.target_by_code("nosuchcode", world.home.agency.id) is None
    with scopes_disabled():
        world.home.counter.name = "Kaunter Baru"
        world.home.counter.save()
    assert ingest_cache._entries == {}


def test_it_refuses_a_device_revoked_elsewhere_once_its_ttl_has_passed(world):
    token = Device.new_token()
    with scopes_disabled():
        device = Device.objects.create(agency=world.home.agency, premise=world.home.premise, name="Tablet",
                                       token_hash=hash_token(token))
    request = SimpleNamespace(META={"HTTP_AUTHORIZATION": f"Bearer {token}"})
    assert ratings.rating_auth(request) == device
    with scopes_disabled():
        Device.objects.filter(pk=device.pk).update(revoked_at=timezone.now())  # another process: no signal
    assert ratings.rating_auth(request) == device  # remembered for at most DEVICE_TTL
    expire(ratings._devices)
    with pytest.raises(DeviceRevoked):
        ratings.rating_auth(request)
