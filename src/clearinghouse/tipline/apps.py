from django.apps import AppConfig


class TiplineConfig(AppConfig):
    name = "clearinghouse.tipline"
    verbose_name = "CyberTipline"
