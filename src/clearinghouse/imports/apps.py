from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "clearinghouse.imports"
    verbose_name = "Bulk import"
