"""WSGI entry point.

Requests under /api/ are served by a Django handler with a short middleware chain: the API
authenticates by device token and uses no session, cookie, CSRF, message or login-lockout
middleware, and on the busiest path (rating ingest) those cost about a quarter of each request.
Everything else gets the full chain from settings.MIDDLEWARE. The busiest request of all, a
kiosk's POST /api/v1/ratings, skips even that handler (erating/api/fast_ratings.py says why).

Served by granian (README, "Deployment"): a request thread gives up the GIL by itself whenever
it waits on the database, which every rating does within half a millisecond, so forced hand-overs
only add thread switches. The interpreter is told to force one after 20 ms instead of 5:
measured with wrk at 64 connections, p99 43-47 ms at 20 ms against 47-70 ms at 1 ms
(PY_SWITCH_INTERVAL overrides it)."""
import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erating.settings")
sys.setswitchinterval(float(os.environ.get("PY_SWITCH_INTERVAL", "0.02")))
site = get_wsgi_application()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from erating.api import fast_ratings  # noqa: E402  (needs the apps loaded above)
from erating.api.chain import settle_heap, with_api_chain  # noqa: E402

ApiHandler = with_api_chain(WSGIHandler)
api = ApiHandler()


def django_app(environ, start_response):
    handler = api if environ.get("PATH_INFO", "").startswith("/api/") else site
    return handler(environ, start_response)


application = fast_ratings.in_front_of(django_app)
settle_heap()
