"""The WSGI fast path of POST /api/v1/ratings (erating/api/fast_ratings.py): what Django's
handler would have done around the endpoint is still done, and whatever the fast path would
answer differently is handed to Django. (The endpoint's behaviour itself is tested through
both paths in test_it_ratings.py.)"""
import json
import logging

import pytest
from django.core import signals

from erating.api import fast_ratings
from erating.api.tests.test_it_ratings import URL, item, make_device, stored
from erating.api.tests.wsgi_client import WsgiClient, keep_test_connection

SECURITY_HEADERS = ("x-content-type-options", "referrer-policy", "cross-origin-opener-policy",
                    "strict-transport-security")


@pytest.fixture
def wsgi():
    with keep_test_connection():
        yield WsgiClient()


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_it_sends_the_security_headers_django_sends(client, wsgi, world, settings):
    same_security_headers_as_django(wsgi, client, world, settings)


def same_security_headers_as_django(route, client, world, settings):
    """The route's answer carries the headers Django's (through `client`) carries."""
    settings.SECURE_HSTS_SECONDS = 3600
    _, token = make_device(world.home)
    fast = route.post(URL, json.dumps(item(world.home.counter)), scheme="https", **auth(token))
    slow = client.post(URL, json.dumps(item(world.home.counter)), content_type="application/json", secure=True,
                       **auth(token))
    assert fast.status_code == slow.status_code == 200
    assert {h: fast.headers.get(h) for h in SECURITY_HEADERS} == {h: slow.headers.get(h) for h in SECURITY_HEADERS}
    assert fast.headers["strict-transport-security"].startswith("max-age=3600")
    plain = route.post(URL, json.dumps(item(world.home.counter)), **auth(token))
    assert plain.status_code == 200 and "strict-transport-security" not in plain.headers  # never over plain http
    assert fast.headers["content-type"] == "application/json"
    assert int(fast.headers["content-length"]) == len(fast.content)


def test_it_sends_the_request_signals_that_keep_database_connections_healthy(wsgi, world):
    _, token = make_device(world.home)
    seen = []

    def started(sender, **kwargs):
        seen.append("started")

    def finished(sender, **kwargs):
        seen.append("finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        assert wsgi.post(URL, json.dumps(item(world.home.counter)), **auth(token)).status_code == 200
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert seen == ["started", "finished"]


def test_it_leaves_a_host_that_is_not_allowed_to_django(wsgi, world, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    _, token = make_device(world.home)
    body = item(world.home.counter)
    response = wsgi.post(URL, json.dumps(body), host="evil.example", **auth(token))
    assert response.status_code == 400
    assert not stored(idempotency_key=body["id"]).exists()


def test_it_leaves_the_https_redirect_to_django(wsgi, world, settings, monkeypatch):
    import erating.wsgi

    settings.SECURE_SSL_REDIRECT = True
    monkeypatch.setattr(erating.wsgi, "api", erating.wsgi.ApiHandler())  # its middleware reads settings once
    redirected_by_django(wsgi, world)


def redirected_by_django(route, world):
    """With SECURE_SSL_REDIRECT on, plain http is redirected (nothing stored); https behind a
    proxy is served."""
    _, token = make_device(world.home)
    body = item(world.home.counter)
    response = route.post(URL, json.dumps(body), **auth(token))
    assert response.status_code == 301 and response.headers["location"].startswith("https://")
    assert not stored(idempotency_key=body["id"]).exists()
    behind_proxy = route.post(URL, json.dumps(body), HTTP_X_FORWARDED_PROTO="https", **auth(token))
    assert behind_proxy.status_code == 200 and behind_proxy.json()["created"] == 1


def test_it_leaves_other_methods_to_django(wsgi, world):
    _, token = make_device(world.home)
    assert not fast_ratings.handles({"PATH_INFO": URL, "REQUEST_METHOD": "GET"})
    assert wsgi.get(URL, **auth(token)).status_code == 405


def test_it_logs_an_unexpected_error_and_answers_json_500(wsgi, world, monkeypatch, caplog, settings):
    _, token = make_device(world.home)

    def broken(request, device):
        raise RuntimeError("boom")

    monkeypatch.setattr(fast_ratings, "respond", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = wsgi.post(URL, json.dumps(item(world.home.counter)), **auth(token))
    assert response.status_code == 500 and response.json()["error"] == "server_error"
    assert any("boom" in (r.exc_text or "") or (r.exc_info and "boom" in str(r.exc_info[1])) for r in caplog.records)
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # as the fuzz tests set it: the traceback reaches the test
    with pytest.raises(RuntimeError):
        wsgi.post(URL, json.dumps(item(world.home.counter)), **auth(token))
