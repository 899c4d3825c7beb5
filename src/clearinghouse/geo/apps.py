from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "clearinghouse.geo"
    verbose_name = "Geography"
