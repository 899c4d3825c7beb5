from django.apps import AppConfig


class VictimidConfig(AppConfig):
    name = "clearinghouse.victimid"
    verbose_name = "Child Victim Identification"
