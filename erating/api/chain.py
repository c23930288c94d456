"""The short middleware chain /api/ is served behind (erating/wsgi.py): the API authenticates
by device token and uses no session, cookie, CSRF, message or login-lockout middleware, which
cost about a quarter of each rating request."""
import gc

from django.conf import settings


def with_api_chain(handler_class):
    """A Django handler class (e.g. WSGIHandler) that loads settings.API_MIDDLEWARE instead of
    settings.MIDDLEWARE. Django's handler reads the chain from settings while loading it, once,
    at start-up: the setting is swapped for that call only."""

    class ApiHandler(handler_class):
        def load_middleware(self, is_async=False):
            full = settings.MIDDLEWARE
            settings.MIDDLEWARE = settings.API_MIDDLEWARE
            try:
                super().load_middleware(is_async)
            finally:
                settings.MIDDLEWARE = full

    return ApiHandler


def settle_heap():
    """Once the app is loaded: move everything alive into the permanent generation, so that the
    collector's full passes skip Django's own objects (each full pass pauses every request in
    flight in that process)."""
    gc.collect()
    gc.freeze()
