from django_scopes import scope

from erating.base.scoping import dimensions_for_request


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


# Browser features no page of eRating uses, switched off for every page (and any frame).
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "serial", "usb",
    "xr-spatial-tracking")) + ", fullscreen=(self)"
BACK_OFFICE_PREFIXES = ("/control/",)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; `Cache-Control: no-store` on back-office pages, which
    show personal data and must not stay in a shared computer's cache or a proxy's
    (the Content-Security-Policy comes from Django's own middleware, settings.SECURE_CSP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(BACK_OFFICE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response
