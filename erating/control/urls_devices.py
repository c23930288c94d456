from django.urls import path

from erating.control.views import devices

urlpatterns = [
    path("devices/", devices.device_list, name="device_list"),
    path("devices/pair/", devices.pairing_create, name="pairing_create"),
    path("premises/<int:premise_id>/pair/", devices.pairing_create, name="premise_pairing_create"),
    path("devices/pairing/<int:pairing_id>/", devices.pairing_detail, name="pairing_detail"),
    path("devices/pairing/<int:pairing_id>/cancel/", devices.pairing_cancel, name="pairing_cancel"),
    path("devices/<int:device_id>/revoke/", devices.device_revoke, name="device_revoke"),
]
