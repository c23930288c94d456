"""POST /api/v1/ratings on the event loop, in front of Django's ASGI handler (erating/asgi.py).

Why: measured on the 2-core benchmark machine, the threaded WSGI route spent its latency tail
waiting for the GIL, above all the thread writing a group commit that everyone in its batch was
waiting for. Here one event loop per process validates each rating as it arrives and awaits the
shared write (rating_writer_async), so no thread hands anything over (bench/README.md).

The work is the endpoint's own (erating/api/ratings.py: begin, then the write, then end) and the
token check is the same cached one. Validation runs on the loop under ingest_cache.cached_only():
when it needs the database (a code or token not remembered) it raises CacheMiss before any
counter moved, and the request is validated again in a thread, as are the rare ends that read
or touch the database; an entry past its TTL answers once more while a thread reloads it. A request this route would answer differently from
Django (a host not allowed, an https redirect due) is handed to Django with its body.
"""
import asyncio
from contextlib import nullcontext

import psycopg
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, close_old_connections
from django.http import HttpRequest, QueryDict
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict

from erating.base.services import counters
from erating.base.services.ingest_cache import CacheMiss, cached_only, refresh, refresh_later
from erating.base.services.limits import aflag_bursts
from erating.base.services.rating_writer import WriteTimeout
from erating.base.services.rating_writer_async import WRITER

from .fast_ratings import PATH, failure, response_headers
from .ratings import MAX_BODY, Pending, answer_language, begin, end, end_needs_database, error, not_stored, rating_auth


class RatingRequest(HttpRequest):
    """What the endpoint reads of a request (META with the headers, body, host, scheme), built
    without the rest of ASGIRequest's work, which cost a sixth of a rating on the loop. Headers
    go into META as ASGIRequest puts them (names with underscores dropped, against spoofing)."""

    GET = POST = QueryDict()
    COOKIES = {}
    FILES = MultiValueDict()

    def __init__(self, scope, body):
        self.scope, self._body, self.resolver_match = scope, body, None
        self.method, self.path = scope["method"], scope["path"]
        self.path_info = self.path
        self.content_type = self.content_params = None
        server = scope.get("server") or ("unknown", "0")
        meta = {"REQUEST_METHOD": self.method, "PATH_INFO": self.path, "SCRIPT_NAME": "",
                "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
                "SERVER_NAME": server[0], "SERVER_PORT": str(server[1])}
        if scope.get("client"):
            meta["REMOTE_ADDR"], meta["REMOTE_PORT"] = scope["client"][0], scope["client"][1]
        for name, value in scope["headers"]:
            name = name.decode("latin-1")
            if "_" in name:
                continue
            key = {"content-length": "CONTENT_LENGTH", "content-type": "CONTENT_TYPE"}.get(name) or \
                "HTTP_" + name.upper().replace("-", "_")
            value = value.decode("latin-1")
            meta[key] = f"{meta[key]},{value}" if key in meta else value
        self.META = meta

    def _get_scheme(self):
        return self.scope.get("scheme") or "http"


def in_front_of(django):
    """An ASGI app: rating POSTs through this route, everything else to the ASGI app `django`.
    Answers the lifespan protocol itself (Django's handler refuses it)."""

    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "POST":
            return await serve(scope, receive, send, django)
        if scope["type"] == "lifespan":
            return await lifespan(receive, send)
        return await django(scope, receive, send)

    return application


async def lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def serve(scope, receive, send, django):
    body, complete, gone = await read_body(receive)
    if gone:  # nobody to answer, and a partial body is not a rating
        return
    request = RatingRequest(scope, body)
    try:
        request.get_host()
        secure = request.is_secure()
    except DisallowedHost:
        secure = None
    if secure is None or (settings.SECURE_SSL_REDIRECT and not secure):
        return await django(scope, replay(body, complete, receive), send)
    if not complete:
        status, out = error(413, "body_too_large", f"The body must be at most {MAX_BODY} bytes.")
    else:
        status, out = await answer(request)
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
               for name, value in response_headers(len(out), secure)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": out})


async def read_body(receive):
    """(body, complete, gone): stops reading past MAX_BODY (what was read is kept, for a
    hand-over to Django), so an oversized body is never held whole; gone if the client left."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False, True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY:
            return b"".join(chunks), False, False
        if not message.get("more_body"):
            return b"".join(chunks), True, False


def replay(body, complete, receive):
    """A receive() that gives back the body already read, then carries on with the client's."""
    sent = False

    async def again():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return again


async def answer(request):
    language = answer_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    # Activating a language costs more than validating a rating; most requests ask for the one
    # already active (BM, the default).
    speaking = nullcontext() if translation.get_language() == language else translation.override(language)
    try:
        with speaking:
            # With Redis the burst counters are a network round trip: awaited, not run on the loop.
            on_loop_counters = counters.redis_url() is None
            try:
                with cached_only() as stale:
                    pending = _begin(request, on_loop_counters)
                if stale:
                    _refresh_later(stale)
            except CacheMiss:
                pending = await sync_to_async(_in_thread, thread_sensitive=False)(language, _begin, request)
            else:
                if isinstance(pending, Pending) and not on_loop_counters:
                    await aflag_bursts(pending.batch.rows, device=True)
            if not isinstance(pending, Pending):
                return pending
            try:
                created = await WRITER.write(pending.batch.rows)
            except (WriteTimeout, DatabaseError, psycopg.Error):
                return not_stored(pending.device)
            now = timezone.now()  # one reading: end() touches the device only if this said so
            if end_needs_database(pending, now):
                return await sync_to_async(_in_thread, thread_sensitive=False)(language, end, pending, created, now)
            return end(pending, created, now)
    except Exception as exc:
        return failure(exc, request)


def _begin(request, flag=True):
    device = rating_auth(request)
    if device is None:
        return 401, b'{"detail": "Unauthorized"}'
    return begin(request, device, flag)


def _refresh_later(stale):
    """Reload what answered past its TTL, in a thread, once (ingest_cache.cached_only says why)."""
    jobs = refresh_later(stale)
    if jobs:
        asyncio.get_running_loop().run_in_executor(None, _in_thread, None, refresh, jobs)


def _in_thread(language, function, *args):
    """Run database work as a request would, in `language` (None: no message is made): a
    connection found broken or too old is replaced before, and given back after (Django's
    request signals do this for its own requests)."""
    close_old_connections()
    try:
        with translation.override(language):
            return function(*args)
    finally:
        close_old_connections()

