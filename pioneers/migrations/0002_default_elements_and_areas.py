"""The mengpaneel's default elements and the areas of expertise (pioneers/reference_data.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from pioneers.reference_data import load as load_reference_data

    load_reference_data(apps.get_model("pioneers", "Area"), apps.get_model("pioneers", "Element"))


def unload(apps, schema_editor):
    from pioneers.reference_data import AREAS, ELEMENTS

    apps.get_model("pioneers", "Element").objects.filter(
        pioneer=None, slug__in=[row[0] for row in ELEMENTS], values__isnull=True
    ).delete()
    apps.get_model("pioneers", "Area").objects.filter(slug__in=[row[0] for row in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("pioneers", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
