from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "clearinghouse.media"
    verbose_name = "Files and hashes"
