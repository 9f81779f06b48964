from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "birtizim.web.accounts"
    label = "accounts"
