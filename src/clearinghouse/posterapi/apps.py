from django.apps import AppConfig


class PosterApiConfig(AppConfig):
    name = "clearinghouse.posterapi"
    label = "posterapi"
    verbose_name = "Poster API"
