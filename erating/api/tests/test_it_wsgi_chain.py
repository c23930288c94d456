"""The API as production serves it: through erating.wsgi.application, whose /api/ handler has
no session, auth, CSRF or lockout middleware. A kiosk's whole life must work there, and the
rest of the site must still get the full chain."""
import io
import json
import sys
import uuid

import pytest
from django.core import signals
from django.db import close_old_connections
from django_scopes import scope, scopes_disabled

from erating.base.models import Rating
from erating.base.services.devices import create_pairing_code


@pytest.fixture
def call():
    from erating.wsgi import application

    # As Django's test client does: keep the test's connection open between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    def do(method, path, body=None, token=None):
        raw = json.dumps(body).encode() if body is not None else b""
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
                   "wsgi.input": io.BytesIO(raw), "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(raw)),
                   "CONTENT_TYPE": "application/json", "REMOTE_ADDR": "127.0.0.1"}
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        status = []
        content = b"".join(application(environ, lambda s, h: status.append(s)))
        return int(status[0].split()[0]), content

    yield do
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_it_serves_a_kiosk_through_the_short_api_chain(world, call):
    with scope(agency=world.home.agency.id, premise=None, officer=None):
        code = create_pairing_code(world.home.premise).code
    status, body = call("POST", "/api/v1/kiosk/pair", {"code": code})
    assert status == 200, body
    token = json.loads(body)["token"]
    assert call("GET", "/api/v1/kiosk/config", token=token)[0] == 200
    key = str(uuid.uuid4())
    rating = {"id": key, "target": world.home.counter.code, "score": 5}
    status, body = call("POST", "/api/v1/ratings", {"ratings": [rating]}, token=token)
    assert status == 200 and json.loads(body)["created"] == 1
    status, body = call("POST", "/api/v1/ratings", {"ratings": [rating]}, token=token)
    assert json.loads(body)["duplicates"] == 1
    assert call("POST", "/api/v1/kiosk/heartbeat", {"queued": 0, "app_version": "t"}, token=token)[0] == 200
    assert call("POST", "/api/v1/ratings", {"ratings": [rating]}, token="wrong")[0] == 401
    with scopes_disabled():
        assert Rating.objects.filter(idempotency_key=key).count() == 1


def test_it_keeps_the_full_chain_for_the_site(world, call):
    status, body = call("GET", "/control/")
    assert status == 302  # login required: the auth middleware ran
    status, body = call("GET", "/control/login/")
    assert status == 200 and b"csrfmiddlewaretoken" in body
