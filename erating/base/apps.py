from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "erating.base"
    label = "base"
    verbose_name = "eRating"
