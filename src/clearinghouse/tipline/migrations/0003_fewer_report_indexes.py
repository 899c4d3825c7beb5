"""Drops five indexes of the report table that no query uses (each one costs every
report's submit and finish). Only the indexes: SQLite would otherwise rebuild the
table, which the rollup triggers of ``tipline_reportfile`` refer to."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The indexes Django made for these fields (their names are the same on SQLite and
# PostgreSQL; the ``_like`` one exists on PostgreSQL only).
DROPPED = [
    "tipline_tiplinereport_acknowledged_by_id_db41f1aa",
    "tipline_tiplinereport_made_available_by_id_85d7b027",
    "tipline_tiplinereport_priority_b1e65057",
    "tipline_tiplinereport_state_id_c5829199",
    "tipline_tiplinereport_state_id_c5829199_like",
]


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("tipline", "0002_reportfile_blob_reportfile_details_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f"DROP INDEX IF EXISTS {name}", migrations.RunSQL.noop)
                for name in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="tiplinereport",
                    name="acknowledged_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="tiplinereport",
                    name="made_available_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="tiplinereport",
                    name="priority",
                    field=models.SmallIntegerField(default=0),
                ),
                migrations.AlterField(
                    model_name="tiplinereport",
                    name="state",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.jurisdiction",
                    ),
                ),
            ],
        ),
    ]
