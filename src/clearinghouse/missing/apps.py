from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "clearinghouse.missing"
    verbose_name = "Missing children"
