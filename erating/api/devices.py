"""Kiosk endpoints: pair with a one-time code, then (with the device token) fetch the
configuration, report heartbeats and sign officers on. Errors are structured:
{"error": "<machine code>", "detail": "<message>"} (as POST ratings)."""
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from erating.api.auth import device_auth
from erating.api.bodies import UNAUTHORIZED_DOC, Error, Invalid, JsonObject, Unauthorized, kiosk_language
from erating.base.catalogue import devices
from erating.base.identity import client_ip

router = Router(tags=["devices"])
# Every endpoint may answer these besides its own (erating/api/bodies.py).
BODY_ERRORS = {400: Error, 415: Error, 422: Invalid}
DEVICE_ERRORS = {401: Unauthorized}
OPENAPI_EXTRA = {"responses": {"401": {"description": UNAUTHORIZED_DOC},
                               "415": {"description": "The body is not declared as JSON."},
                               "422": {"description": "The body is not a JSON object of the documented shape."}}}


class PairIn(JsonObject):
    code: str = Field(..., max_length=32)
    name: str = Field("", max_length=100)


class PairOut(Schema):
    token: str
    device_id: int
    config: dict[str, Any]


class HeartbeatIn(JsonObject):
    queued: int = Field(0, ge=0, le=1_000_000)
    app_version: str = Field("", max_length=40)


class HeartbeatOut(Schema):
    status: str
    server_time: str
    app_version: str


class SignOnIn(JsonObject):
    identifier: str = Field(..., max_length=150, description="The officer's e-mail or full name.")
    pin: str = Field(..., max_length=20)


class SignOnOut(Schema):
    officer: int
    name: str


@router.post("kiosk/pair", response={200: PairOut, **BODY_ERRORS, 429: Error}, auth=None,
             summary="Pair a tablet with a one-time code",
             openapi_extra={"responses": {k: v for k, v in OPENAPI_EXTRA["responses"].items() if k != "401"}})
def pair(request, payload: PairIn):
    ip = client_ip(request) or None
    if devices.pairing_limited(ip):
        with kiosk_language(request):
            return Status(429, {"detail": str(devices.TOO_MANY_PAIRING_ATTEMPTS), "error": "rate_limited"})
    try:
        device, token = devices.pair(payload.code, name=payload.name, ip=ip)
    except devices.PairingError as error:
        devices.pairing_failed(ip)
        with kiosk_language(request):
            return Status(400, {"detail": str(error.message), "error": error.code})
    return {"token": token, "device_id": device.pk, "config": devices.kiosk_config(device)}


@router.get("kiosk/config", response={200: dict[str, Any], **DEVICE_ERRORS}, auth=device_auth,
            summary="The kiosk's premise, targets and rating form (both languages)",
            openapi_extra={"responses": {"401": OPENAPI_EXTRA["responses"]["401"]}})
def config(request):
    return devices.kiosk_config(request.auth)


@router.post("kiosk/heartbeat", response={200: HeartbeatOut, **BODY_ERRORS, **DEVICE_ERRORS}, auth=device_auth,
             summary="Report that the tablet is alive, with its queue length and app version",
             openapi_extra=OPENAPI_EXTRA)
def heartbeat(request, payload: HeartbeatIn):
    devices.heartbeat(request.auth, queued=payload.queued, app_version=payload.app_version)
    return {"status": "ok", "server_time": timezone.now().isoformat(), "app_version": devices.KIOSK_APP_VERSION}


@router.post("kiosk/sign-on", response={200: SignOnOut, **BODY_ERRORS, **DEVICE_ERRORS, 429: Error},
             auth=device_auth, summary="Sign an officer on for their shift (name or e-mail plus kiosk PIN)",
             openapi_extra=OPENAPI_EXTRA)
def sign_on(request, payload: SignOnIn):
    try:
        officer = devices.sign_on(request.auth, payload.identifier, payload.pin)
    except devices.SignOnError as error:
        with kiosk_language(request):
            return Status(429 if error.code == "locked" else 400, {"detail": str(error.message), "error": error.code})
    return {"officer": officer.pk, "name": officer.full_name}

