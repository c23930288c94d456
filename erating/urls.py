from django.conf import settings
from django.urls import include, path, re_path

from erating.base import views as base_views

handler403 = "erating.base.views.forbidden"
handler404 = "erating.base.views.not_found"
handler500 = "erating.base.views.server_error"

urlpatterns = [
    path("healthz", base_views.healthz, name="healthz"),
    path("i18n/setlang/", base_views.set_language, name="set_language"),
    path("control/", include("erating.control.urls")),
    path("api/v1/", include("erating.api.urls")),
    path("", include("erating.rate.urls")),
    path("", include("erating.portal.urls")),
]
if settings.DEBUG or settings.LOCAL_HTTP:
    # Uploaded logos on this machine (production serves media from its web server).
    from django.views.static import serve
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve,
                            {"document_root": settings.MEDIA_ROOT})]
