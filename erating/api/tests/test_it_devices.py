"""Kiosk API: pair, config, heartbeat, officer sign-on. Errors are structured 4xx."""
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from erating.base.catalogue import devices
from erating.base.models import AuditEntry, Device
from erating.base.models.devices import hash_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()  # rate-limit counters live in the cache
    yield
    cache.clear()


def message(lazy, lang="ms"):
    """A message as the API renders it (BM by default): tests never depend on the catalogue."""
    with translation.override(lang):
        return str(lazy)


def new_code(ns, target=None, hours=24):
    with scopes_disabled():
        return devices.create_pairing_code(ns.premise, target=target, hours=hours)


def post(client, path, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/{path}", json.dumps(body), content_type="application/json", **headers)


def get(client, path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1/{path}", **headers)


def pair(client, ns, target=None):
    response = post(client, "kiosk/pair", {"code": new_code(ns, target).code, "name": "Tablet A"})
    assert response.status_code == 200, response.content
    return response.json()


def test_it_pairs_once_and_stores_only_the_token_hash(world, client):
    pairing = new_code(world.home, world.home.counter)
    # Codes are typed by hand: case and spaces do not matter.
    response = post(client, "kiosk/pair", {"code": " " + pairing.code.lower()[:4] + " " + pairing.code[4:].lower()})
    assert response.status_code == 200
    data = response.json()
    with scopes_disabled():
        device = Device.objects.get(pk=data["device_id"])
        pairing.refresh_from_db()
        assert AuditEntry.objects.filter(action="pair", object_id=str(device.pk), agency=world.home.agency).exists()
    assert len(data["token"]) >= 40 and device.token_hash == hash_token(data["token"])
    assert all(getattr(device, f.attname) != data["token"] for f in Device._meta.fields)
    assert pairing.used_at is not None and device.target == world.home.counter
    config = data["config"]
    assert config["fixed"] is True and [t["code"] for t in config["targets"]] == [world.home.counter.code]
    assert config["form"]["ms"]["smileys"][0]["caption"] == "Cemerlang"
    assert config["form"]["en"]["smileys"][0]["caption"] == "Excellent"
    assert config["targets"][0]["name"] == {"ms": "Kaunter 1", "en": "Counter 1"}

    again = post(client, "kiosk/pair", {"code": pairing.code})
    assert again.status_code == 400 and again.json()["error"] == "used"
    assert again.json()["detail"] == message(devices.PairingError.MESSAGES["used"])


def test_it_refuses_expired_and_wrong_codes_clearly(world, client):
    expired = new_code(world.home, hours=-1)
    response = post(client, "kiosk/pair", {"code": expired.code})
    assert response.status_code == 400 and response.json()["error"] == "expired"
    assert response.json()["detail"] == message(devices.PairingError.MESSAGES["expired"])
    english = client.post("/api/v1/kiosk/pair?lang=en", json.dumps({"code": expired.code}), content_type="application/json")
    assert english.json()["detail"] == message(devices.PairingError.MESSAGES["expired"], "en")
    assert "expired" in english.json()["detail"]
    for wrong in ["ZZZZZZZZ", "", "!!!", "A" * 30]:
        response = post(client, "kiosk/pair", {"code": wrong})
        assert response.status_code in (400, 422), wrong
        if response.status_code == 400:
            assert response.json()["error"] == "invalid"
    with scopes_disabled():
        assert not Device.objects.exists()


def test_it_malformed_bodies_are_structured_4xx(world, client):
    for body in ["{not json", "[]", '{"code": 5}', '{"name": "x"}']:
        response = client.post("/api/v1/kiosk/pair", body, content_type="application/json")
        assert 400 <= response.status_code < 500, body
        assert "detail" in response.json()
    token = pair(client, world.home)["token"]
    for body in ['{"queued": -1}', '{"queued": "many"}', "{oops"]:
        response = client.post("/api/v1/kiosk/heartbeat", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        assert 400 <= response.status_code < 500 and "detail" in response.json(), body


def test_it_limits_pairing_attempts_per_address(world, client):
    for _ in range(devices.PAIRING_ATTEMPTS + 5):  # successful pairings do not use up the allowance
        pair(client, world.home)
    for _ in range(devices.PAIRING_ATTEMPTS):
        assert post(client, "kiosk/pair", {"code": "WRONG234"}).status_code == 400
    good = new_code(world.home)
    response = post(client, "kiosk/pair", {"code": good.code})
    assert response.status_code == 429 and response.json()["error"] == "rate_limited"


def test_it_config_lists_premise_counters_when_not_fixed(world, client):
    token = pair(client, world.home)["token"]
    response = get(client, "kiosk/config", token)
    assert response.status_code == 200
    config = response.json()
    codes = {t["code"] for t in config["targets"]}
    home = world.home
    assert codes == {home.counter.code, home.officer_target.code}  # counters and officers of this premise only
    assert config["fixed"] is False and config["premise"] == home.premise.name
    assert config["app_version"] == devices.KIOSK_APP_VERSION
    assert [r["id"] for r in config["form"]["ms"]["reasons"]] == [r.id for r in home.reasons]


def test_it_needs_a_valid_token(world, client):
    assert get(client, "kiosk/config").status_code == 401
    assert get(client, "kiosk/config", "not-a-token").status_code == 401
    assert post(client, "kiosk/heartbeat", {"queued": 1}, "x" * 500).status_code == 401


def test_it_revoked_device_is_told_to_pair_again(world, client):
    data = pair(client, world.home)
    with scopes_disabled():
        devices.revoke(Device.objects.get(pk=data["device_id"]))
    for response in [get(client, "kiosk/config", data["token"]),
                     post(client, "kiosk/heartbeat", {"queued": 0}, data["token"]),
                     post(client, "kiosk/sign-on", {"identifier": "x", "pin": "1"}, data["token"])]:
        assert response.status_code == 401 and response.json() == {"detail": "device_revoked"}


def test_it_heartbeat_records_queue_and_version(world, client):
    data = pair(client, world.home)
    with scopes_disabled():
        Device.objects.filter(pk=data["device_id"]).update(last_seen=timezone.now() - timedelta(hours=2))
    response = post(client, "kiosk/heartbeat", {"queued": 12, "app_version": "1.0.0-test"}, data["token"])
    assert response.status_code == 200 and response.json()["status"] == "ok"
    with scopes_disabled():
        device = Device.objects.get(pk=data["device_id"])
    assert device.queued == 12 and device.app_version == "1.0.0-test"
    assert timezone.now() - device.last_seen < timedelta(seconds=30)


def set_pin(user, pin="1234"):
    user.set_kiosk_pin(pin)
    user.save(update_fields=["kiosk_pin"])


def test_it_signs_officer_on_by_email_or_name(world, client):
    token = pair(client, world.home)["token"]
    officer = world.home.officer
    set_pin(officer)
    for identifier in [officer.email.upper(), officer.full_name.lower()]:
        response = post(client, "kiosk/sign-on", {"identifier": identifier, "pin": "1234"}, token)
        assert response.status_code == 200, response.content
        assert response.json() == {"officer": officer.pk, "name": officer.full_name}


def test_it_refuses_wrong_pin_other_agency_and_pinless(world, client):
    token = pair(client, world.home)["token"]
    set_pin(world.home.officer)
    set_pin(world.other.officer)
    cases = [(world.home.officer.email, "9999"),          # wrong PIN
             (world.other.officer.email, "1234"),         # another agency's officer
             (world.home.colleague.email, ""),            # no PIN given
             (world.home.colleague.email, "1234")]        # officer without a kiosk PIN
    for identifier, pin in cases:
        response = post(client, "kiosk/sign-on", {"identifier": identifier, "pin": pin}, token)
        assert response.status_code == 400, (identifier, pin)
        assert response.json()["error"] in ("wrong", "missing") and response.json()["detail"]


def test_it_locks_sign_on_after_repeated_wrong_pins(world, client):
    token = pair(client, world.home)["token"]
    set_pin(world.home.officer)
    email = world.home.officer.email
    for _ in range(devices.SIGN_ON_ATTEMPTS):
        assert post(client, "kiosk/sign-on", {"identifier": email, "pin": "0000"}, token).status_code == 400
    locked = post(client, "kiosk/sign-on", {"identifier": email, "pin": "1234"}, token)
    assert locked.status_code == 429 and locked.json()["error"] == "locked"
    # The lock is per tablet: another tablet of the agency is unaffected.
    other_token = pair(client, world.home)["token"]
    assert post(client, "kiosk/sign-on", {"identifier": email, "pin": "1234"}, other_token).status_code == 200


def test_it_pairing_race_has_one_winner(world, monkeypatch):
    pairing = new_code(world.home)
    devices.pair(pairing.code)
    # The second request read the code before the first consumed it: only the conditional
    # UPDATE stands between it and a second device.
    monkeypatch.setattr(devices, "pairing_status", lambda *args: "valid")
    with pytest.raises(devices.PairingError) as error:
        devices.pair(pairing.code)
    assert error.value.code == "used"
    with scopes_disabled():
        assert Device.objects.count() == 1


def test_it_documents_kiosk_endpoints_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/api/v1/kiosk/pair", "/api/v1/kiosk/config", "/api/v1/kiosk/heartbeat", "/api/v1/kiosk/sign-on"]:
        assert path in paths
