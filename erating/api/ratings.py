"""POST /api/v1/ratings: kiosks (device token) send one rating or a batch of up to 500.

The body is parsed by hand rather than by a ninja schema so that one bad item in a queued
batch is rejected on its own (with field errors) instead of failing the whole batch; the
schema below documents the accepted shape in OpenAPI. Bad bodies get a structured 4xx:
400 malformed JSON / wrong shape, 413 over 1 MB or over 500 items, 401 bad or revoked token,
503 when the ratings could not be stored just now (nothing is acknowledged: send them again)."""
import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, RawPostDataException
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import Router, Schema

from erating.api.auth import DeviceTokenAuth, touch
from erating.base.ingest.service import ingest, summarise
from erating.base.models import Agency, Device, Rating
from erating.base.models.bilingual import CITIZEN_LANGUAGES
from erating.base.scoping import agency_scope

router = Router(tags=["ratings"])
log = logging.getLogger(__name__)


class CachedDeviceAuth(DeviceTokenAuth):
    """The token check of every rating, remembered per process for DEVICE_TTL seconds: a kiosk
    flushing its queue, or a busy counter, would otherwise cost a device query per request.
    Saving or deleting a device (revoke does) or its agency clears this process's memory at
    once; other processes notice within DEVICE_TTL, which bounds how late a revocation may take
    effect."""

    def authenticate(self, request, token):
        key = token if token and len(token) <= 200 else None
        hit = _devices.get(key)
        if hit is not None and hit[0] > time.monotonic():
            request.device = hit[1]
            return hit[1]
        device = super().authenticate(request, token)
        if device is not None:
            if len(_devices) > 10_000:  # a flood of tokens must not grow memory without bound
                _devices.clear()
            _devices[key] = (time.monotonic() + DEVICE_TTL, device)
        return device


DEVICE_TTL = 5.0
_devices = {}


def _forget_devices(**_kwargs):
    _devices.clear()


for _model in (Device, Agency):
    post_save.connect(_forget_devices, sender=_model, dispatch_uid=f"ratings_auth_{_model.__name__}")
    post_delete.connect(_forget_devices, sender=_model, dispatch_uid=f"ratings_auth_del_{_model.__name__}")
rating_auth = CachedDeviceAuth()

MAX_BODY = 1_000_000
MAX_ITEMS = 500
TOUCH_EVERY = timedelta(seconds=30)  # last_seen is minute-grained; don't UPDATE on every rating

CONTACT_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 150},
        "phone": {"type": "string", "maxLength": 30},
        "email": {"type": "string", "maxLength": 254},
        "consent": {"type": "boolean", "description": "Customer agreed to be contacted."},
    },
}
RATING_SCHEMA = {
    "type": "object",
    "required": ["id", "score"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Client-generated idempotency key."},
        "target": {"type": "string", "maxLength": 16,
                   "description": "Target code; optional when the device is fixed to a target."},
        "score": {"type": "integer", "minimum": 1, "maximum": 5},
        "reasons": {"type": "array", "items": {"type": "integer"}, "maxItems": 20},
        "comment": {"type": "string", "maxLength": 1000},
        "contact": CONTACT_SCHEMA,
        "officer": {"type": ["integer", "null"], "description": "User id of the officer on duty."},
        "client_time": {"type": ["string", "null"], "format": "date-time"},
        "language": {"type": "string", "enum": list(CITIZEN_LANGUAGES), "default": "ms",
                     "description": "The language the customer rated in (follow-up replies use it)."},
    },
}
BODY_SCHEMA = {
    "oneOf": [
        RATING_SCHEMA,
        {"type": "object", "required": ["ratings"],
         "properties": {"ratings": {"type": "array", "items": RATING_SCHEMA, "minItems": 1,
                                    "maxItems": MAX_ITEMS}}},
    ]
}


class ItemResult(Schema):
    id: str
    status: str
    errors: dict[str, str]


class IngestOut(Schema):
    results: list[ItemResult]
    created: int
    duplicates: int
    rejected: int


class ErrorOut(Schema):
    error: str
    detail: str


def error(status, code, detail):
    return status, json.dumps({"error": code, "detail": detail}).encode()


def read_items(request):
    """(items, is_batch, None) or (None, None, (status, error body))."""
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
            return None, None, error(413, "body_too_large", f"The body must be at most {MAX_BODY} bytes.")
        body = request.body
    except (ValueError, RequestDataTooBig, RawPostDataException):
        return None, None, error(413, "body_too_large", f"The body must be at most {MAX_BODY} bytes.")
    if len(body) > MAX_BODY:
        return None, None, error(413, "body_too_large", f"The body must be at most {MAX_BODY} bytes.")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None, None, error(400, "malformed_json", "The body is not valid JSON.")
    if not isinstance(data, dict):
        return None, None, error(400, "invalid_body", "Send a rating object or {\"ratings\": [...]}.")
    if "ratings" not in data:
        return [data], False, None
    items = data["ratings"]
    if not isinstance(items, list) or not items:
        return None, None, error(400, "invalid_body", "\"ratings\" must be a non-empty list.")
    if len(items) > MAX_ITEMS:
        return None, None, error(413, "too_many_ratings", f"Send at most {MAX_ITEMS} ratings per request.")
    return items, True, None


@router.post(
    "/ratings", auth=rating_auth, url_name="ratings",
    response={200: IngestOut, 400: IngestOut | ErrorOut, 401: dict, 413: ErrorOut, 503: ErrorOut},
    summary="Submit ratings (one, or a batch of up to 500)",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": BODY_SCHEMA}}}},
)
def post_ratings(request):
    """Idempotent: an `id` seen before answers `duplicate` and is stored once. A batch always
    answers 200 with a result per item; a single rating that is rejected answers 400."""
    status, body = respond(request, request.auth)
    return HttpResponse(body, status=status, content_type="application/json")


def respond(request, device):
    """(status, JSON bytes) for an authenticated POST. Messages are in BM unless the client's
    Accept-Language asks for English."""
    with translation.override(answer_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))):
        items, is_batch, problem = read_items(request)
        if problem is not None:
            return problem
        with agency_scope(device.agency_id):
            try:
                results = ingest(items, channel=Rating.TABLET, device=device)
            except DatabaseError:
                # Nothing is acknowledged: the kiosk keeps its queue and sends it again, and
                # whatever was stored after all is then answered "duplicate".
                log.exception("ratings from device %s not stored", device.pk)
                return error(503, "not_stored", "The ratings could not be stored just now; send them again.")
    now = timezone.now()
    if device.last_seen is None or now - device.last_seen > TOUCH_EVERY:
        touch(device)
        device.last_seen = now  # the cached device too, so the next requests skip the UPDATE
    status = 400 if (not is_batch and results[0]["status"] == "rejected") else 200
    # Plain json.dumps: JsonResponse's encoder class costs more than the rest of the answer.
    return status, json.dumps({"results": results, **summarise(results)}).encode()


def answer_language(accept_language):
    for lang, _q in parse_accept_lang_header(accept_language[:255]):
        lang = lang.split("-")[0]
        if lang in ("ms", "en"):
            return lang
    return settings.LANGUAGE_CODE
