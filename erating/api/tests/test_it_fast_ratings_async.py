"""The ASGI rating route (erating/api/fast_ratings_async.py) and the app around it
(erating/asgi.py): what Django's handler would have done is still done, what the route would
answer differently is handed to Django, and with warm caches a rating is validated on the loop.
(The endpoint's behaviour itself is tested through every entry point in test_it_ratings.py.)"""
import asyncio
import json
import logging
import time
from datetime import timedelta

import pytest
from django.core.handlers.asgi import ASGIHandler
from django_scopes import scopes_disabled

from erating.api import fast_ratings_async, ratings
from erating.api.chain import with_api_chain
from erating.api.ratings import MAX_BODY
from erating.api.tests.asgi_client import asgi_client, http_scope, serve
from erating.api.tests.asgi_client import run as run_loop
from erating.api.tests.test_it_fast_ratings import auth, redirected_by_django, same_security_headers_as_django
from erating.api.tests.test_it_ratings import URL, item, make_device, stored
from erating.base.models import Device
from erating.base.services import counters

# The route writes on its own connection and validates in threads: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asgi():
    with asgi_client() as client:
        yield client


@pytest.fixture
def fresh_api_handler(monkeypatch):
    """After a settings change: SecurityMiddleware reads its settings once, when loaded."""
    import erating.asgi

    def reload():
        monkeypatch.setattr(erating.asgi, "api", with_api_chain(ASGIHandler)())
    return reload


def test_it_sends_the_security_headers_django_sends(client, asgi, world, settings):
    same_security_headers_as_django(asgi, client, world, settings)


def test_it_leaves_a_host_that_is_not_allowed_to_django(asgi, world, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    _, token = make_device(world.home)
    body = item(world.home.counter)
    response = asgi.post(URL, json.dumps(body), host="evil.example", **auth(token))
    assert response.status_code == 400  # Django's answer to DisallowedHost, not a 500
    assert not stored(idempotency_key=body["id"]).exists()


def test_it_leaves_the_https_redirect_to_django(asgi, world, settings, fresh_api_handler):
    settings.SECURE_SSL_REDIRECT = True
    fresh_api_handler()
    redirected_by_django(asgi, world)


def test_it_hands_django_the_whole_body_it_already_read(asgi, world, settings, fresh_api_handler):
    # An exempt path over http: the route still hands it over (it leaves redirects to Django),
    # and Django must then serve the rating from the body the route had read (several chunks).
    settings.SECURE_SSL_REDIRECT, settings.SECURE_REDIRECT_EXEMPT = True, [r"^api/v1/ratings$"]
    fresh_api_handler()
    _, token = make_device(world.home)
    batch = [item(world.home.counter, comment="x" * 500) for _ in range(300)]
    data = json.dumps({"ratings": batch})
    assert len(data) > 2 * 65536
    response = asgi.post(URL, data, **auth(token))
    assert response.status_code == 200 and response.json()["created"] == 300
    assert "strict-transport-security" not in response.headers


def test_it_answers_413_to_an_oversized_body_without_reading_it_all(world):
    _, token = make_device(world.home)
    piece, count, read = b"x" * 65536, 40, []  # 2.6 MB

    async def receive():
        if len(read) == count:
            return {"type": "http.disconnect"}
        read.append(piece)
        return {"type": "http.request", "body": piece, "more_body": len(read) < count}

    scope = http_scope("POST", URL, count * len(piece), **auth(token))
    status, headers, body = serve(scope, receive=receive)
    assert status == 413 and json.loads(body)["error"] == "body_too_large"
    assert (b"content-type", b"application/json") in [(name.lower(), value) for name, value in headers]
    assert len(read) == MAX_BODY // len(piece) + 1  # stopped at the first piece past the limit


@pytest.fixture
def thread_calls(monkeypatch):
    """The names of the functions the route sent to a thread."""
    real, calls = fast_ratings_async._in_thread, []

    def counting(language, function, *args):
        calls.append(function.__name__)
        return real(language, function, *args)

    monkeypatch.setattr(fast_ratings_async, "_in_thread", counting)
    return calls


def test_it_validates_on_the_loop_once_the_caches_are_warm(asgi, world, thread_calls):
    device, token = make_device(world.home)
    first = asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token))
    assert first.status_code == 200 and first.json()["created"] == 1
    assert thread_calls == ["_begin", "end"]  # token and code not remembered yet; a device never seen is touched
    thread_calls.clear()
    second = asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token))
    assert second.status_code == 200 and second.json()["created"] == 1
    assert thread_calls == []  # all on the loop (where asgi_client makes any query fail)
    assert stored(device=device).count() == 2


def test_it_awaits_redis_burst_counters_instead_of_blocking_the_loop(asgi, world, thread_calls, settings,
                                                                     monkeypatch, redis_cache, still_clock):
    settings.RATING_BURST_DEVICE_MAX = 1
    device, token = make_device(world.home)
    assert asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token)).status_code == 200  # warms caches
    blocking_add = counters.add

    def add_off_the_loop(deltas, window):
        with pytest.raises(RuntimeError):  # no event loop runs in this thread
            asyncio.get_running_loop()
        return blocking_add(deltas, window)

    monkeypatch.setattr(counters, "add", add_off_the_loop)
    thread_calls.clear()
    second = asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token))
    assert second.status_code == 200 and second.json()["created"] == 1
    assert thread_calls == []
    assert list(stored(device=device).order_by("id").values_list("flagged", flat=True)) == [False, True]


def test_it_touches_the_device_in_a_thread_when_due(asgi, world, thread_calls, monkeypatch):
    device, token = make_device(world.home)
    assert asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token)).status_code == 200
    with scopes_disabled():
        seen = Device.objects.get(pk=device.pk).last_seen
    thread_calls.clear()
    monkeypatch.setattr(ratings, "TOUCH_EVERY", timedelta(0))  # as if TOUCH_EVERY had passed since
    assert asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token)).status_code == 200
    assert thread_calls == ["end"]  # the token and code were remembered: only the touch needs a thread
    with scopes_disabled():
        assert Device.objects.get(pk=device.pk).last_seen > seen


def test_it_leaves_other_requests_to_django(asgi, world):
    health = asgi.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] == "ok"
    schema = asgi.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/api/v1/ratings" in schema.json()["paths"]
    _, token = make_device(world.home)
    assert asgi.get(URL, **auth(token)).status_code == 405  # only POST takes the route


def test_it_answers_the_lifespan_protocol():
    from erating.asgi import application

    incoming, sent = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}], []

    async def run():
        async def receive():
            return incoming.pop(0)

        async def send(message):
            sent.append(message["type"])

        await asyncio.wait_for(application({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send), 5)

    run_loop(run())
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_it_logs_an_unexpected_error_and_answers_json_500(asgi, world, monkeypatch, caplog, settings):
    _, token = make_device(world.home)

    def broken(request, *_flag):
        raise RuntimeError("boom")

    monkeypatch.setattr(fast_ratings_async, "_begin", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token))
    assert response.status_code == 500 and response.json()["error"] == "server_error"
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # as the fuzz tests set it: the traceback reaches the test
    with pytest.raises(RuntimeError):
        asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token))


def test_it_answers_from_an_expired_entry_and_reloads_it_in_one_thread(asgi, world, thread_calls):
    from erating.base.services import ingest_cache

    device, token = make_device(world.home)
    assert asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token)).status_code == 200
    thread_calls.clear()
    for entries in (ingest_cache._entries, ratings._devices):  # every entry just past its TTL
        for key, (_expires, value) in list(entries.items()):
            entries[key] = (time.monotonic() - 1, value)
    second = asgi.post(URL, json.dumps(item(world.home.counter)), **auth(token))
    assert second.status_code == 200 and second.json()["created"] == 1
    assert thread_calls == ["refresh"]  # validated on the loop; one reload, not one per request
    assert ingest_cache._refreshing == set()
    assert all(expires > time.monotonic() for expires, _ in ratings._devices.values())  # reloaded
