from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "birtizim.web.registry"
    label = "registry"
