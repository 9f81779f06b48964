from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "birtizim.web.audit"
    label = "audit"
