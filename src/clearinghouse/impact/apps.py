from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ImpactConfig(AppConfig):
    name = "clearinghouse.impact"
    verbose_name = "Impact"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_lost_triggers, sender=self)


def _reinstall_lost_triggers(using, **kwargs) -> None:
    """Puts back the rollup triggers a migration lost, and counts again what was written
    without them: on SQLite, Django alters a table by building a new one and dropping
    the old, and the old one's triggers go with it."""
    from django.db import connections

    from clearinghouse.impact.rollups import schema, store

    connection = connections[using]
    if not schema.tables_exist(connection) or not schema.missing_triggers(connection):
        return
    schema.install_triggers(connection)
    store.rebuild()
