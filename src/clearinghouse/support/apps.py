from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "clearinghouse.support"
    verbose_name = "Recovery and family support"
