from django.apps import AppConfig


class FaresConfig(AppConfig):
    name = "birtizim.web.fares"
    label = "fares"
