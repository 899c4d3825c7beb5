from django.db import migrations, models


def load_jurisdictions(apps, schema_editor):
    from clearinghouse.geo.jurisdictions import all_jurisdictions

    Jurisdiction = apps.get_model("geo", "Jurisdiction")
    for info in all_jurisdictions():
        Jurisdiction.objects.update_or_create(
            code=info.code, defaults={"name": info.name, "kind": info.kind, "fips": info.fips}
        )


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Jurisdiction",
            fields=[
                ("code", models.CharField(max_length=2, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=64, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("state", "State"),
                            ("district", "District"),
                            ("territory", "Territory"),
                        ],
                        max_length=16,
                    ),
                ),
                ("fips", models.CharField(max_length=2, unique=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.RunPython(load_jurisdictions, migrations.RunPython.noop),
    ]
