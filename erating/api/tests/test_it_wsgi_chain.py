"""The API as production serves it: through erating.wsgi.application, whose /api/ handler has
no session, auth, CSRF or lockout middleware. A kiosk's whole life must work there, and the
rest of the site must still get the full chain."""
import json
import uuid

import pytest
from django_scopes import scope, scopes_disabled

from erating.api.tests.wsgi_client import WsgiClient, keep_test_connection
from erating.base.catalogue.devices import create_pairing_code
from erating.base.models import Rating


@pytest.fixture
def call():
    client = WsgiClient()

    def do(method, path, body=None, token=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        response = client.request(method, path, json.dumps(body).encode() if body is not None else b"", **extra)
        return response.status_code, response.content

    with keep_test_connection():
        yield do


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
