"""Cross-cutting endpoints that belong to no audience: health check and language switch."""
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_POST
def set_language(request):
    response = django_set_language(request)
    lang = request.POST.get("language")
    if lang in ("ms", "en"):
        request.session["user_language"] = lang
        user = request.user
        if user.is_authenticated and user.language != lang:
            user.language = lang
            user.save(update_fields=["language"])
    return response


def forbidden(request, exception=None):
    from django.shortcuts import render

    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    """The API answers JSON (an integration parses the body); an address under /en/ names
    English, so its 404 page is English whatever the session or browser says."""
    from django.shortcuts import render
    from django.utils import translation

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    if request.path == "/en" or request.path.startswith("/en/"):
        with translation.override("en"):
            request.LANGUAGE_CODE = "en"
            response = render(request, "errors/404.html", {"home_url": "/en/"}, status=404)
        response.headers["Content-Language"] = "en"
        return response
    return render(request, "errors/404.html", {"home_url": "/"}, status=404)


def server_error(request):
    from django.shortcuts import render

    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    from django.shortcuts import render

    return render(request, "errors/403_csrf.html", status=403)

