from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "birtizim.web.outreach"
    label = "outreach"
