"""The rollup tables, their triggers, and a first count of the records already there.

The triggers are generated from ``impact.rollups.counters``; when those definitions
change, a new migration runs ``install`` again (it replaces every trigger) and rebuilds.
"""

from django.db import migrations


def install(apps, schema_editor):
    from clearinghouse.impact.rollups import schema, store

    connection = schema_editor.connection
    schema.create_tables(connection)
    schema.install_triggers(connection)
    store.rebuild()


def uninstall(apps, schema_editor):
    from clearinghouse.impact.rollups import schema

    schema.drop_triggers(schema_editor.connection)
    schema.drop_tables(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("impact", "0001_initial"),
        ("accounts", "0001_initial"),
        ("education", "0002_training_signup"),
        ("missing", "0002_missingcase_abduction_believed_and_more"),
        ("support", "0002_recovery_services_and_family_support"),
        ("tipline", "0002_reportfile_blob_reportfile_details_and_more"),
        ("victimid", "0002_cvip_workflow"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
