from django.urls import path
from django.views.generic import RedirectView

from erating.rate import views_kiosk

# The page lives at /kiosk/ so the worker at /kiosk/sw.js controls it (its default scope).
urlpatterns = [
    path("kiosk", RedirectView.as_view(pattern_name="rate:kiosk", permanent=False)),
    path("kiosk/", views_kiosk.kiosk, name="kiosk"),
    path("kiosk/sw.js", views_kiosk.service_worker, name="kiosk_sw"),
    path("kiosk/manifest.webmanifest", views_kiosk.manifest, name="kiosk_manifest"),
]
