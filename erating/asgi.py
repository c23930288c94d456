"""ASGI entry point, the one production runs (README, "Deployment"): granian --interface asgi.

POST /api/v1/ratings, the request every kiosk and every queued batch sends, is answered on the
event loop (erating/api/fast_ratings_async.py says why and how). Everything else goes to
Django's ASGI handler: /api/ behind the short chain (erating/api/chain.py), the rest of the site
behind settings.MIDDLEWARE. erating/wsgi.py serves the same site to WSGI servers.
"""
import os
import sys

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erating.settings")
os.environ.setdefault("DB_POOL", "1")  # settings: a connection pool instead of per-thread connections
if os.environ.get("PY_SWITCH_INTERVAL"):
    sys.setswitchinterval(float(os.environ["PY_SWITCH_INTERVAL"]))
site = get_asgi_application()

from django.core.handlers.asgi import ASGIHandler  # noqa: E402

from erating.api import fast_ratings_async  # noqa: E402  (needs the apps loaded above)
from erating.api.chain import settle_heap, with_api_chain  # noqa: E402

api = with_api_chain(ASGIHandler)()


async def django_app(scope, receive, send):
    handler = api if scope.get("path", "").startswith("/api/") else site
    return await handler(scope, receive, send)


application = fast_ratings_async.in_front_of(django_app)
settle_heap()
