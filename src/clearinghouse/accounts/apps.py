from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clearinghouse.accounts"
    verbose_name = "Organizations and people"
