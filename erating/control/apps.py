from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "erating.control"
    label = "control"

    def ready(self):
        from erating.control import signals  # noqa: F401
