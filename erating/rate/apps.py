from django.apps import AppConfig


class RateConfig(AppConfig):
    name = "erating.rate"
    label = "rate"
