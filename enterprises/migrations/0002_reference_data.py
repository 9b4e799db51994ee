"""Load the reference tables: Dutch municipalities (CBS list) and the themes."""

from django.db import migrations


def load(apps, schema_editor):
    from enterprises.reference_data import load as load_reference_data

    load_reference_data(apps.get_model("enterprises", "Municipality"), apps.get_model("enterprises", "Theme"))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
