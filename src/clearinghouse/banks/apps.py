from django.apps import AppConfig


class BanksConfig(AppConfig):
    name = "clearinghouse.banks"
    verbose_name = "Hash banks"
