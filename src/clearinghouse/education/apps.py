from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "clearinghouse.education"
    verbose_name = "Education"
