from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "birtizim.web.common"
    label = "common"
