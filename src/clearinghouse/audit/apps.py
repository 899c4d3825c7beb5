from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "clearinghouse.audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from clearinghouse.audit import signals  # noqa: F401 (connects the receivers)
