from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "clearinghouse.impact"
    verbose_name = "Impact"
