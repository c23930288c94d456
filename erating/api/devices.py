"""Kiosk endpoints: pair with a one-time code, then (with the device token) fetch the
configuration, report heartbeats and sign officers on. Errors are structured:
{"error": "<machine code>", "detail": "<message>"} (as POST ratings)."""
from typing import Any

from django.utils import timezone, translation

from ninja import Field, Router, Schema, Status

from erating.base.services import devices
from erating.base.services.identity import client_ip

from .auth import device_auth

router = Router(tags=["devices"])


def kiosk_language(request):
    """The kiosk's on-screen language (?lang=ms|en) for its messages; BM otherwise."""
    lang = request.GET.get("lang", "")
    return translation.override(lang if lang in ("ms", "en") else translation.get_language())


class Error(Schema):
    error: str
    detail: str


class PairIn(Schema):
    code: str = Field(..., max_length=32)
    name: str = Field("", max_length=100)


class PairOut(Schema):
    token: str
    device_id: int
    config: dict[str, Any]


class HeartbeatIn(Schema):
    queued: int = Field(0, ge=0, le=1_000_000)
    app_version: str = Field("", max_length=40)


class HeartbeatOut(Schema):
    status: str
    server_time: str
    app_version: str


class SignOnIn(Schema):
    identifier: str = Field(..., max_length=150, description="The officer's e-mail or full name.")
    pin: str = Field(..., max_length=20)


class SignOnOut(Schema):
    officer: int
    name: str


@router.post("kiosk/pair", response={200: PairOut, 400: Error, 429: Error}, auth=None,
             summary="Pair a tablet with a one-time code")
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


@router.get("kiosk/config", response={200: dict[str, Any]}, auth=device_auth,
            summary="The kiosk's premise, targets and rating form (both languages)")
def config(request):
    return devices.kiosk_config(request.auth)


@router.post("kiosk/heartbeat", response={200: HeartbeatOut}, auth=device_auth,
             summary="Report that the tablet is alive, with its queue length and app version")
def heartbeat(request, payload: HeartbeatIn):
    devices.heartbeat(request.auth, queued=payload.queued, app_version=payload.app_version)
    return {"status": "ok", "server_time": timezone.now().isoformat(), "app_version": devices.KIOSK_APP_VERSION}


@router.post("kiosk/sign-on", response={200: SignOnOut, 400: Error, 429: Error}, auth=device_auth,
             summary="Sign an officer on for their shift (name or e-mail plus kiosk PIN)")
def sign_on(request, payload: SignOnIn):
    try:
        officer = devices.sign_on(request.auth, payload.identifier, payload.pin)
    except devices.SignOnError as error:
        with kiosk_language(request):
            return Status(429 if error.code == "locked" else 400, {"detail": str(error.message), "error": error.code})
    return {"officer": officer.pk, "name": officer.full_name}

