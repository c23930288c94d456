from erating.rate import urls_kiosk, urls_qr

app_name = "rate"
urlpatterns = urls_qr.urlpatterns + urls_kiosk.urlpatterns
