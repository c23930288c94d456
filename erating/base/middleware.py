from django_scopes import scope

from .scoping import dimensions_for_request


class ScopeMiddleware:
    """Runs every view inside the scope of the logged-in user (empty for anonymous users, so
    an unscoped tenant query fails loudly)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = dimensions_for_request(request)
        with scope(**request.scope):
            return self.get_response(request)


class UserLanguageMiddleware:
    """A logged-in user's saved language wins over the browser cookie only when no cookie is set,
    so switching on one device still works immediately. Without either, the page is in BM: the
    browser's Accept-Language is ignored on purpose (BM is the default; EN is one click away)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            lang = request.session.get("user_language") or settings.LANGUAGE_CODE
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.get_response(request)
