from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "birtizim.web.vouchers"
    label = "vouchers"
