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
# The back office and the API (the read API returns agency data to token holders): never cached.
BACK_OFFICE_PREFIXES = ("/control/", "/api/")


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


# Query parameters that are numbers (page numbers, ids): a value beyond this is no page or row
# that can exist, and would overflow the database's integers (a 500 on PostgreSQL).
NUMERIC_PARAMS = {"page", "per_page", "page_size", "limit", "offset", "year", "premise", "agency", "officer",
                  "target", "ministry", "counter", "service", "facility", "user"}
MAX_NUMBER = 2**31 - 1


class BadInputMiddleware:
    """Input no view can serve is answered 400 here, in one place, before any view or query runs:
    a NUL byte in a parameter (PostgreSQL refuses it in text: a 500), more parameters than
    DATA_UPLOAD_MAX_NUMBER_FIELDS, and numeric parameters (page, ids) out of any range. The
    answer says what is wrong in BM and EN (JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return self.refuse(request, problem)
        return self.get_response(request)

    @staticmethod
    def problem(request):
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

        try:
            params = list(request.GET.lists())
            if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                      "multipart/form-data"):
                params += list(request.POST.lists())
        except (TooManyFieldsSent, RequestDataTooBig):
            return ("Terlalu banyak parameter dalam permintaan.", "Too many parameters in the request.")
        for key, values in params:
            if "\x00" in key or any("\x00" in v for v in values):
                return ("Permintaan mengandungi aksara NUL.", "The request contains a NUL character.")
            name = key[:-3] if key.endswith("_id") else key
            if name in NUMERIC_PARAMS:
                for v in values:
                    v = v.strip()
                    if v.lstrip("-").isdigit() and (len(v) > 12 or abs(int(v)) > MAX_NUMBER):
                        return (f"Nilai “{key}” di luar julat.", f"The value of “{key}” is out of range.")
        return None

    @staticmethod
    def refuse(request, problem):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.html import escape

        ms, en = problem
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": en, "detail_ms": ms}, status=400)
        return HttpResponseBadRequest(f'<!doctype html><html lang="ms"><title>400</title><h1>400</h1>'
                                      f'<p>{escape(ms)}</p><p lang="en">{escape(en)}</p></html>')
