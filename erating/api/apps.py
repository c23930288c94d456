from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "erating.api"
    label = "api"
