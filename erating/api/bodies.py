"""What every API request body must be, checked in one place for every endpoint:

- a readable Content-Length (`Content-Length: abc` is a malformed request: 400, not 413);
- JSON, declared as such (`text/plain` and forms are refused with 415, never parsed as JSON);
- for the schema-validated endpoints (pair, heartbeat, sign-on), a JSON object: `[null, null]`
  is a 422 with a clear message, not a heartbeat with default values.

Errors are structured like every other API error: {"error": "<machine code>", "detail": "<message>"}
in the kiosk's language (?lang=ms|en|zh|ta, BM otherwise)."""
import json

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import model_validator

from erating.base.models.bilingual import CITIZEN_LANGUAGES, django_code

BODY_METHODS = ("POST", "PUT", "PATCH")
NOT_AN_OBJECT = gettext_noop("The body must be a JSON object.")


def kiosk_language(request):
    """The kiosk's on-screen language (?lang=ms|en|zh|ta) for its messages; BM otherwise."""
    lang = request.GET.get("lang", "")
    return translation.override(django_code(lang) if lang in CITIZEN_LANGUAGES else translation.get_language())


def error_response(request, status, code, detail, **extra):
    body = {"error": code, "detail": str(detail), **extra}
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def is_json(content_type):
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class ApiBodyMiddleware:
    """In both middleware chains (settings.MIDDLEWARE and API_MIDDLEWARE); acts on /api/ only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS and request.path.startswith("/api/"):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def refusal(request):
        raw = str(request.META.get("CONTENT_LENGTH") or "0").strip()
        if not (raw.isascii() and raw.isdigit()):
            with kiosk_language(request):
                return error_response(request, 400, "bad_content_length",
                                      _("The Content-Length header is not a number of bytes."))
        if int(raw) and not is_json(request.META.get("CONTENT_TYPE")):
            with kiosk_language(request):
                return error_response(request, 415, "unsupported_media_type",
                                      _("Send the body as JSON, with the header Content-Type: application/json."))
        return None


class JsonObject(Schema):
    """A request body validated by a schema: it must be a JSON object. (Ninja's Schema would read
    the fields of anything else as missing attributes and fill in the defaults.)"""

    @model_validator(mode="wrap")
    @classmethod
    def _must_be_an_object(cls, values, handler, info):
        if not isinstance(values, (dict, Schema)):
            raise ValueError(NOT_AN_OBJECT)
        return handler(values)


class Error(Schema):
    error: str
    detail: str


class Unauthorized(Schema):
    detail: str = "Unauthorized"


UNAUTHORIZED_DOC = ('No, an unknown or a revoked device token: `{"detail": "Unauthorized"}`, or '
                    '`{"detail": "device_revoked"}` when the tablet must be paired again.')


class Invalid(Schema):
    error: str = "invalid"
    detail: str
    errors: list[dict]


def register(api):
    """The API's own answers to a body ninja cannot parse (400) or validate (422)."""
    from ninja.errors import HttpError, ValidationError

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        with kiosk_language(request):
            # pydantic prefixes the messages of our own validators; ours are in the catalogue.
            errors = [{"loc": list(e.get("loc", ())), "msg": _(str(e.get("msg", "")).removeprefix("Value error, "))}
                      for e in exc.errors]
            whole = _("body")  # an error of the body as a whole, not of one field
            problems = ["%s: %s" % (".".join(str(part) for part in e["loc"][2:]) or whole, e["msg"]) for e in errors]
            detail = _("The request body is not valid: %(problems)s") % {"problems": "; ".join(problems)}
        return error_response(request, 422, "invalid", detail, errors=errors)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            with kiosk_language(request):
                return error_response(request, 400, "invalid_json", _("The request body is not valid JSON."))
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
