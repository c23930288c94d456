from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "erating.portal"
    label = "portal"
