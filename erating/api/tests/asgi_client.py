"""A client for erating.asgi.application itself, as granian calls it in production (so the
rating route on the event loop, and Django's ASGI handler for the rest, is what answers), with
the interface of WsgiClient (wsgi_client.py).

The async route writes on its own connection and validates in worker threads, none of which can
see rows of a test's open transaction: tests using this client need transactional_db."""
import asyncio
import gc
import os
import threading
from contextlib import contextmanager

from erating.api.tests.wsgi_client import Response, keep_test_connection

TIMEOUT = 20
CHUNK = 65536  # as servers deliver a body: in pieces, so the app must follow more_body


class AsgiClient:
    def request(self, method, path, data=b"", content_type="application/json", host="127.0.0.1",
                scheme="http", **extra):
        raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        scope = http_scope(method, path, len(raw), content_type, host, scheme, **extra)
        status, headers, content = serve(scope, raw)
        return Response(str(status), [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers], content)

    def post(self, path, data=b"", content_type="application/json", **extra):
        return self.request("POST", path, data, content_type, **extra)

    def get(self, path, **extra):
        return self.request("GET", path, **extra)


def http_scope(method, path, length=0, content_type="application/json", host="127.0.0.1", scheme="http", **extra):
    path, _, query = path.partition("?")
    headers = [(b"host", host.encode("latin-1")), (b"content-type", content_type.encode("latin-1")),
               (b"content-length", str(length).encode())]
    for key, value in extra.items():
        if not key.startswith("HTTP_"):
            raise TypeError(f"only HTTP_* extras become headers, not {key}")
        headers.append((key[5:].lower().replace("_", "-").encode("latin-1"), value.encode("latin-1")))
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
            "method": method, "scheme": scheme, "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "root_path": "", "headers": headers,
            "client": ("127.0.0.1", 1234), "server": (host.split(":")[0], 443 if scheme == "https" else 80)}


def serve(scope, body=b"", receive=None):
    """(status, headers, body) of erating.asgi.application for one request, run on its own loop."""
    from erating.asgi import application

    # conftest allows sync database calls in async contexts (for Playwright); lifted here so
    # that a query on the event loop fails as it would in production.
    allowed = os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    try:
        return run(call(application, scope, body, receive))
    finally:
        if allowed is not None:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allowed


async def call(app, scope, body=b"", receive=None):
    """The body is sent in CHUNK pieces (or by `receive`, if given); the client "disconnects"
    only once the answer is complete, as Django's handler listens for a disconnect meanwhile."""
    pieces = [body[i:i + CHUNK] for i in range(0, len(body), CHUNK)] or [b""]
    answered = asyncio.Event()
    start, chunks = [], []

    async def receive_body():
        if pieces:
            piece = pieces.pop(0)
            return {"type": "http.request", "body": piece, "more_body": bool(pieces)}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            assert not start, "response started twice"
            start.append(message)
        elif message["type"] == "http.response.body":
            assert start, "body before http.response.start"
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                answered.set()

    try:  # a request waiting for a body that never comes would hang a real server too: fail instead
        await asyncio.wait_for(app(scope, receive or receive_body, send), TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"no answer within {TIMEOUT} s") from None
    assert start and answered.is_set(), "the app returned without a complete response"
    return start[0]["status"], start[0].get("headers", []), b"".join(chunks)


def run(coroutine):
    """Run it on a loop of its own; in a thread of its own if this thread already runs a loop
    (Playwright's sync API leaves one running in the test thread once a browser test ran)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def hang_up_writer():
    """Close the async writer's own connection (it outlives the test's loops; on PostgreSQL an
    open one would keep the test database from being dropped)."""
    from erating.base.services.rating_writer_async import WRITER

    run(WRITER._close())


@contextmanager
def asgi_client():
    with keep_test_connection():
        try:
            yield AsgiClient()
        finally:
            hang_up_writer()
            # The route's worker threads are gone with their loops, but their Django connections
            # (reference cycles) stay open until collected: on PostgreSQL they too would keep
            # the test database from being dropped.
            gc.collect()
