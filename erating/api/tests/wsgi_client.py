"""A client for erating.wsgi.application itself, as granian calls it in production (so the
short /api/ chain is what answers), with the test client's manners:
the test's database connection and transaction stay open between requests."""
import io
import json
import sys
from contextlib import contextmanager

from django.core import signals
from django.db import close_old_connections


@contextmanager
def keep_test_connection():
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class Response:
    def __init__(self, status, headers, content):
        self.status_code = int(status.split()[0])
        self.headers = {name.lower(): value for name, value in headers}
        self.content = content

    def json(self):
        return json.loads(self.content)


class WsgiClient:
    def request(self, method, path, data=b"", content_type="application/json", host="127.0.0.1",
                scheme="http", **extra):
        from erating.wsgi import application

        raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "80", "HTTP_HOST": host, "wsgi.url_scheme": scheme, "wsgi.input": io.BytesIO(raw),
                   "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(raw)), "CONTENT_TYPE": content_type,
                   "REMOTE_ADDR": "127.0.0.1", **extra}
        started = []
        # Per request, as Django's test client does: a test-client request in between connects
        # close_old_connections again, and it would close the test's connection (in a transaction).
        with keep_test_connection():
            chunks = application(environ, lambda status, headers: started.append((status, headers)))
            try:
                content = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        return Response(*started[0], content)

    def post(self, path, data=b"", content_type="application/json", **extra):
        return self.request("POST", path, data, content_type, **extra)

    def get(self, path, **extra):
        return self.request("GET", path, **extra)
