"""POST /api/v1/ratings: device-token auth, per-item results, idempotency, structured 4xx."""
import json
import uuid

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.api.tests.wsgi_client import WsgiClient, keep_test_connection
from erating.base.models import Device, Rating
from erating.base.models.devices import hash_token

URL = "/api/v1/ratings"


@pytest.fixture(params=["django", "wsgi"])
def client(request, client):
    """Every test here runs twice: through Django's test client (full chain), and through
    erating.wsgi.application as production serves it (the short /api/ chain); both reach the
    one ninja operation."""
    if request.param == "django":
        yield client
    else:
        with keep_test_connection():
            yield WsgiClient()


def make_device(ns, target=None, revoked=False):
    token = Device.new_token()
    with scopes_disabled():
        device = Device.objects.create(agency=ns.agency, premise=ns.premise, target=target, name="Tablet",
                                       token_hash=hash_token(token),
                                       revoked_at=timezone.now() if revoked else None)
    return device, token


def post(client, token, body, raw=False):
    data = body if raw else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def item(target, score=5, **extra):
    return {"id": str(uuid.uuid4()), "target": target.code, "score": score, **extra}


def stored(**filters):
    with scopes_disabled():
        return Rating.objects.filter(**filters)


def test_it_creates_a_single_rating_and_touches_the_device(client, world):
    device, token = make_device(world.home)
    body = item(world.home.counter, 4, client_time="2026-01-01T08:00:00+08:00")
    response = post(client, token, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["created"] == 1 and data["results"][0] == {"id": body["id"], "status": "created", "errors": {}}
    rating = stored(idempotency_key=body["id"]).get()
    assert (rating.agency_id, rating.premise_id, rating.device_id) == (world.home.agency.id, world.home.premise.id,
                                                                      device.id)
    assert rating.channel == Rating.TABLET and rating.clock_skew_seconds < 0
    assert abs((rating.created_at - timezone.now()).total_seconds()) < 60  # server time, not the client's
    with scopes_disabled():
        device.refresh_from_db()
    assert device.last_seen is not None


def test_it_answers_a_batch_per_item_and_counts_duplicates_once(client, world):
    _, token = make_device(world.home)
    good = item(world.home.counter, 5)
    batch = [good, item(world.home.service, 9), item(world.other.counter, 3), dict(good), {"nonsense": True}]
    data = post(client, token, {"ratings": batch}).json()
    assert [r["status"] for r in data["results"]] == ["created", "rejected", "rejected", "duplicate", "rejected"]
    assert (data["created"], data["duplicates"], data["rejected"]) == (1, 1, 3)
    assert "score" in data["results"][1]["errors"]
    unknown = post(client, token, {**item(world.home.counter, 5), "target": "zzzzzzzzzz"}).json()["results"][0]["errors"]
    assert data["results"][2]["errors"] == unknown  # another agency's target looks exactly like an unknown one
    again = post(client, token, {"ratings": [good]}).json()
    assert again["results"][0]["status"] == "duplicate"
    assert stored(idempotency_key=good["id"]).count() == 1


def test_it_rejects_a_single_invalid_rating_with_400(client, world):
    _, token = make_device(world.home)
    response = post(client, token, item(world.home.counter, 0))
    assert response.status_code == 400
    assert response.json()["results"][0]["errors"]["score"]
    response = post(client, token, {"id": "not-a-uuid", "target": "zzzzzzzzzz", "score": "5"})
    errors = response.json()["results"][0]["errors"]
    assert response.status_code == 400 and set(errors) == {"id", "target", "score"}


def test_it_uses_the_fixed_target_of_a_device(client, world):
    _, token = make_device(world.home, target=world.home.counter)
    body = {"id": str(uuid.uuid4()), "score": 3, "officer": world.home.officer.id}
    assert post(client, token, body).json()["created"] == 1
    rating = stored(idempotency_key=body["id"]).get()
    assert rating.target_id == world.home.counter.id and rating.officer_id == world.home.officer.id
    other = post(client, token, item(world.home.service, 3)).json()["results"][0]
    unknown = post(client, token, {**item(world.home.counter, 3), "target": "zzzzzzzzzz"}).json()["results"][0]["errors"]
    assert set(other["errors"]) == {"target"} and other["errors"] != unknown


def test_it_refuses_bad_and_revoked_tokens(client, world):
    assert post(client, "nope", item(world.home.counter)).status_code == 401
    response = client.post(URL, data="{}", content_type="application/json")
    assert response.status_code == 401 and response.json()
    _, token = make_device(world.home, revoked=True)
    response = post(client, token, item(world.home.counter))
    assert response.status_code == 401 and response.json()["detail"] == "device_revoked"
    assert not stored(target=world.home.counter, channel=Rating.TABLET).exists()


@pytest.mark.parametrize("raw,status,code", [
    ("{not json", 400, "malformed_json"),
    ("[1, 2]", 400, "invalid_body"),
    ('{"ratings": "x"}', 400, "invalid_body"),
    ('{"ratings": []}', 400, "invalid_body"),
    ("[" * 100000 + "]" * 100000, 400, "malformed_json"),
    ("\udcff", 400, "malformed_json"),
])
def test_it_answers_malformed_bodies_with_structured_400(client, world, raw, status, code):
    _, token = make_device(world.home)
    response = post(client, token, raw.encode("utf-8", "surrogateescape"), raw=True)
    assert response.status_code == status and response.json()["error"] == code


def test_it_refuses_oversized_bodies_and_batches_with_413(client, world):
    _, token = make_device(world.home)
    big = {"ratings": [item(world.home.counter, comment="x" * 999) for _ in range(1100)]}
    response = post(client, token, big)
    assert response.status_code == 413 and response.json()["error"] == "body_too_large"
    huge = json.dumps({"comment": "x" * 3_000_000})
    response = post(client, token, huge, raw=True)
    assert response.status_code == 413
    many = {"ratings": [item(world.home.counter) for _ in range(501)]}
    response = post(client, token, many)
    assert response.status_code == 413 and response.json()["error"] == "too_many_ratings"
    assert not stored(channel=Rating.TABLET).exists()


def test_it_accepts_a_batch_of_500(client, world):
    _, token = make_device(world.home)
    batch = [item(world.home.counter, 5 - i % 5) for i in range(500)]
    data = post(client, token, {"ratings": batch}).json()
    assert data["created"] == 500
    assert stored(channel=Rating.TABLET).count() == 500


def test_it_survives_hostile_strings(client, world):
    _, token = make_device(world.home)
    body = item(world.home.counter, 1, comment="a\x00b\ud800c", reasons=[world.home.reasons[0].id],
                contact={"name": "\x00", "phone": "012-3456789", "consent": True}, client_time="9999-12-31T23:59:59")
    response = post(client, token, json.dumps(body), raw=True)
    assert response.status_code == 200, response.content
    rating = stored(idempotency_key=body["id"]).get()
    assert rating.comment == "ab?c" and rating.contact_phone == "012-3456789"
    assert rating.clock_skew_seconds > 0


def test_it_describes_the_endpoint_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/ratings"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["oneOf"][0]["properties"]["score"]["maximum"] == 5
    assert {"200", "400", "401", "413"} <= set(operation["responses"])


def test_it_refuses_a_device_revoked_after_its_token_was_remembered(client, world):
    device, token = make_device(world.home)
    assert post(client, token, item(world.home.counter)).status_code == 200
    with scopes_disabled():
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])  # as the tablets admin's revoke does
    response = post(client, token, item(world.home.counter))
    assert response.status_code == 401 and response.json()["detail"] == "device_revoked"


def test_it_answers_unknown_codes_after_loading_the_agency_targets(client, world, django_assert_max_num_queries):
    _, token = make_device(world.home)
    post(client, token, item(world.home.counter))
    body = {"ratings": [item(world.home.service), item(world.home.facility), {**item(world.home.counter), "target": "x"}]}
    # the INSERT in its transaction (savepoint or BEGIN/COMMIT around it), the lookup of the
    # unknown code, the stored-before check; and the analysis aggregates in the same transaction:
    # one statement on PostgreSQL, one upsert per table on SQLite
    from django.db import connection

    from erating.base.analysis import aggregates

    with django_assert_max_num_queries(5 + (1 if connection.vendor == "postgresql" else len(aggregates.TABLES))):
        data = post(client, token, body).json()
    assert [r["status"] for r in data["results"]] == ["created", "created", "rejected"]


def test_it_answers_503_and_acknowledges_nothing_when_the_write_fails(client, world, monkeypatch):
    from django.db import OperationalError

    from erating.base.ingest import service as ingest

    def fail(rows):
        raise OperationalError("the database went away")

    _, token = make_device(world.home)
    monkeypatch.setattr(ingest, "insert_new", fail)
    batch = {"ratings": [item(world.home.counter), item(world.home.counter)]}
    response = post(client, token, batch)
    assert response.status_code == 503
    assert response.json()["error"] == "not_stored"
    monkeypatch.undo()
    response = post(client, token, batch)  # the kiosk keeps its queue and sends it again
    assert response.status_code == 200 and response.json()["created"] == 2


def test_the_api_and_the_qr_page_store_through_the_one_ingest(client, world, monkeypatch):
    from erating.base.ingest import service as ingest

    calls = []
    real = ingest.ingest

    def spy(items, **kwargs):
        calls.append(kwargs["channel"])
        return real(items, **kwargs)

    from erating.api import ratings
    from erating.rate import views_qr

    assert views_qr.ingest is real  # the QR page's
    monkeypatch.setattr(ratings, "ingest", spy)
    _, token = make_device(world.home)
    assert post(client, token, item(world.home.counter)).json()["created"] == 1
    assert calls == ["tablet"]
    assert ratings.respond.__code__.co_names.count("insert_new") == 0  # no second path beside ingest()


def test_it_answers_in_bm_unless_english_is_asked_for(client, world):
    _, token = make_device(world.home)
    body = json.dumps({**item(world.home.counter), "score": None})
    default = client.post(URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    english = client.post(URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                          HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    malay = client.post(URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                        HTTP_ACCEPT_LANGUAGE="fr, ms-MY;q=0.5, en;q=0.3")
    assert default.json()["results"][0]["errors"]["score"] == "Pilih salah satu ikon wajah."
    assert english.json()["results"][0]["errors"]["score"] == "Choose one of the smileys."
    assert malay.json()["results"][0]["errors"]["score"] == "Pilih salah satu ikon wajah."


def test_it_stores_the_language_a_kiosk_rating_was_made_in(client, world):
    _device, token = make_device(world.home)
    english, malay, absent = (item(world.home.counter, 1, language="en"), item(world.home.counter, 2, language="ms"),
                              item(world.home.counter, 2))
    response = post(client, token, {"ratings": [english, malay, absent, item(world.home.counter, language="xx")]})
    assert response.status_code == 200, response.content
    assert [r["status"] for r in response.json()["results"]] == ["created", "created", "created", "rejected"]
    languages = dict(stored(idempotency_key__in=[english["id"], malay["id"], absent["id"]])
                     .values_list("idempotency_key", "language"))
    assert {str(k): v for k, v in languages.items()} == {english["id"]: "en", malay["id"]: "ms", absent["id"]: "ms"}
