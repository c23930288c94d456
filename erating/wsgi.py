"""WSGI entry point, the one production runs (README, "Deployment": granian --interface wsgi).

Requests under /api/ are served by a Django handler with a short middleware chain
(settings.API_MIDDLEWARE, erating/api/chain.py): the API authenticates by device token and uses
no session, cookie, CSRF, message or login-lockout middleware. Everything else gets the full
chain from settings.MIDDLEWARE."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erating.settings")
site = get_wsgi_application()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from erating.api.chain import settle_heap, with_api_chain  # noqa: E402  (needs the apps loaded above)

api = with_api_chain(WSGIHandler)()


def application(environ, start_response):
    handler = api if environ.get("PATH_INFO", "").startswith("/api/") else site
    return handler(environ, start_response)


settle_heap()
