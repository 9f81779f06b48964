from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo loaders: synthetic worlds from ``birtizim.synth`` written through the modules' services."""

    name = "birtizim.web.demo"
    label = "demo"
