"""POST /api/v1/ratings straight from WSGI, past Django's request handler.

Why: every kiosk rating and every queued batch comes through here, and on the 2-core server
of the benchmark Django's handler, URL resolver, middleware and ninja's operation wrapper
cost about 250 µs of the ~590 µs of CPU a rating takes; without them throughput rose by about
a fifth and p99 at 64 saturating connections fell from ~70 ms to ~50 ms (bench/README.md).
The work itself is not copied: token check (rating_auth) and the endpoint (ratings.respond)
are the ones the ninja operation uses; that operation still serves the OpenAPI schema and
the test client, and the tests run the endpoint through both
(erating/api/tests/test_it_ratings.py).

Kept from Django's handler: request_started/request_finished (database connection upkeep),
WSGIRequest (host, scheme, body limits), the security headers of SecurityMiddleware, and a
logged JSON 500 for an unexpected error. A request this path would answer differently
(an https redirect due, a host not allowed) is handed to Django instead."""
import functools
import json
import logging
from http import HTTPStatus

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.dispatch import receiver

from .auth import DeviceRevoked
from .ratings import rating_auth, respond

PATH = "/api/v1/ratings"
log = logging.getLogger("django.request")


def handles(environ):
    return environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "POST"


def in_front_of(django):
    """A WSGI app: rating POSTs through the fast path, everything else (and whatever the fast
    path hands back) to the WSGI app `django`."""

    def application(environ, start_response):
        if handles(environ):
            return serve(environ, start_response, django)
        return django(environ, start_response)

    return application


def serve(environ, start_response, django):
    request = WSGIRequest(environ)
    try:
        request.get_host()
    except DisallowedHost:
        return django(environ, start_response)
    secure = request.is_secure()
    if settings.SECURE_SSL_REDIRECT and not secure:
        return django(environ, start_response)
    signals.request_started.send(sender=serve, environ=environ)
    try:
        status, body = _answer(request)
    finally:
        signals.request_finished.send(sender=serve)
    start_response(f"{status} {HTTPStatus(status).phrase}", response_headers(len(body), secure))
    return [body]


def _answer(request):
    try:
        device = rating_auth(request)
        if device is None:
            return 401, b'{"detail": "Unauthorized"}'
        return respond(request, device)
    except Exception as exc:
        return failure(exc, request)


def failure(exc, request):
    """(status, body) for an exception that escaped the endpoint; call it in the except block
    (shared with the ASGI route). An unexpected one is logged as Django logs a 500."""
    if isinstance(exc, DeviceRevoked):
        return 401, b'{"detail": "device_revoked"}'
    if settings.DEBUG_PROPAGATE_EXCEPTIONS:
        raise exc
    log.exception("Internal Server Error: %s", PATH, extra={"status_code": 500, "request": request})
    return 500, json.dumps({"error": "server_error", "detail": "Something went wrong; send the ratings again."}).encode()


def response_headers(length, secure):
    """The answer's headers, with those SecurityMiddleware would add (shared with the ASGI route)."""
    return [("Content-Type", "application/json"), ("Content-Length", str(length)), *_security_headers(secure)]


@functools.cache
def _security_headers(secure):
    # Remembered: eight settings looked up on every rating cost more than the rest of the
    # headers; a settings change (tests) forgets them.
    headers = []
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    if secure and settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers.append(("Strict-Transport-Security", value))
    return tuple(headers)


@receiver(setting_changed)
def _forget_headers(**_kwargs):
    _security_headers.cache_clear()
