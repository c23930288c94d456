"""Request bodies every API endpoint refuses the same way (erating/api/bodies.py): an unreadable
Content-Length (400), a body not declared as JSON (415), unparsable JSON (400 with `error`),
a JSON body that is not an object (422 with a clear message); and the OpenAPI description of
the kiosk endpoints lists these answers."""
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_scopes import scopes_disabled

from erating.base.catalogue import devices
from erating.base.models import Device

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(world):
    cache.clear()
    with scopes_disabled():
        code = devices.create_pairing_code(world.home.premise, target=world.home.counter, hours=1).code
    response = Client().post("/api/v1/kiosk/pair", json.dumps({"code": code}), content_type="application/json")
    assert response.status_code == 200
    return response.json()["token"]


def post(path, body, token=None, content_type="application/json", lang=None, **meta):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    query = f"?lang={lang}" if lang else ""
    return Client().generic("POST", f"/api/v1/{path}{query}", body, content_type=content_type, **headers, **meta)


def bm(text):
    with translation.override("ms"):
        translated = translation.gettext(text)
    assert translated != text, f"no BM for {text!r}"
    return translated


@pytest.mark.parametrize("path", ["ratings", "kiosk/heartbeat", "kiosk/sign-on", "kiosk/pair"])
def test_an_unreadable_content_length_is_a_bad_request(token, path):
    response = post(path, "{}", token, CONTENT_LENGTH="abc", lang="en")
    assert response.status_code == 400
    assert response.json() == {"error": "bad_content_length",
                               "detail": "The Content-Length header is not a number of bytes."}


@pytest.mark.parametrize("path", ["ratings", "kiosk/heartbeat", "kiosk/sign-on", "kiosk/pair"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_bodies_not_declared_as_json_are_refused(token, path, content_type):
    body = json.dumps({"code": "ABCD2345", "identifier": "x", "pin": "1", "queued": 1})
    response = post(path, body, token, content_type=content_type)
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"
    assert response.json()["detail"] == bm("Send the body as JSON, with the header Content-Type: application/json.")


def test_json_with_a_charset_and_json_suffix_types_are_accepted(token):
    for content_type in ("application/json; charset=utf-8", "application/vnd.erating+json"):
        assert post("kiosk/heartbeat", '{"queued": 2}', token, content_type=content_type).status_code == 200


@pytest.mark.parametrize("body", ["[null, null]", "[]", "null", "3", '"text"'])
def test_a_heartbeat_that_is_not_an_object_is_refused(token, body):
    with scopes_disabled():
        before = Device.objects.get().last_seen
    response = post("kiosk/heartbeat", body, token, lang="en")
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["error"] == "invalid" and "The body must be a JSON object." in data["detail"]
    with scopes_disabled():
        assert Device.objects.get().last_seen == before  # nothing was recorded


def test_validation_errors_name_the_field_in_the_kiosks_language(token):
    response = post("kiosk/heartbeat", '{"queued": -1}', token, lang="en")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("The request body is not valid: queued:")
    assert [e["loc"][-1] for e in response.json()["errors"]] == ["queued"]
    response = post("kiosk/heartbeat", "[1]", token, lang="ms")
    assert bm("The body must be a JSON object.") in response.json()["detail"]


@pytest.mark.parametrize("path", ["kiosk/sign-on", "kiosk/pair", "kiosk/heartbeat"])
def test_unparsable_json_answers_400_with_the_error_field(token, path):
    response = post(path, "{not json", token, lang="en")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_json", "detail": "The request body is not valid JSON."}


def test_a_missing_body_is_a_structured_422(token):
    response = Client().generic("POST", "/api/v1/kiosk/heartbeat?lang=en", "", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid" and response.json()["detail"].startswith("The request body is not")


def test_unauthorized_answers_keep_their_shape():
    response = post("kiosk/heartbeat", "{}", "no-such-token")
    assert response.status_code == 401 and response.json() == {"detail": "Unauthorized"}


def test_openapi_describes_the_kiosk_endpoints_error_answers(db):
    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/v1/kiosk/heartbeat", "/api/v1/kiosk/sign-on"):
        answers = paths[path]["post"]["responses"]
        assert {"200", "400", "401", "415", "422"} <= set(answers), (path, sorted(answers))
        assert "device_revoked" in answers["401"]["description"]
    assert {"200", "400", "415", "422", "429"} <= set(paths["/api/v1/kiosk/pair"]["post"]["responses"])
    assert "401" in paths["/api/v1/kiosk/config"]["get"]["responses"]
    schemas = spec["components"]["schemas"]
    assert {"error", "detail", "errors"} <= set(schemas["Invalid"]["properties"])
