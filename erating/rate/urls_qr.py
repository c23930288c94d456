from django.urls import path

from erating.rate import views_qr

# /r/<code>: the short public URL printed in every QR code (code = unguessable target code).
urlpatterns = [
    path("r/<str:code>", views_qr.rate, name="qr"),
    path("r/<str:code>/thanks", views_qr.thanks, name="qr_thanks"),
]
