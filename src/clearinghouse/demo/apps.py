from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "clearinghouse.demo"
    verbose_name = "Demo"
