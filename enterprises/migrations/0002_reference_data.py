"""Load the reference tables: Dutch municipalities (CBS list) and the themes."""

import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data"

PROVINCES = {
    "Groningen": "groningen", "Fryslân": "fryslan", "Drenthe": "drenthe",
    "Overijssel": "overijssel", "Flevoland": "flevoland", "Gelderland": "gelderland",
    "Utrecht": "utrecht", "Noord-Holland": "noord-holland", "Zuid-Holland": "zuid-holland",
    "Zeeland": "zeeland", "Noord-Brabant": "noord-brabant", "Limburg": "limburg",
}

THEMES = [
    ("energie", "Energie", "Energy"),
    ("zorg-en-welzijn", "Zorg en welzijn", "Care and welfare"),
    ("groen", "Groen en openbare ruimte", "Green and public space"),
    ("vastgoed", "Vastgoed", "Real estate"),
    ("werk-en-participatie", "Werk en participatie", "Work and participation"),
    ("voedsel", "Voedsel", "Food"),
    ("mobiliteit", "Mobiliteit", "Mobility"),
    ("wonen", "Wonen", "Housing"),
    ("ontmoeting", "Ontmoeting", "Meeting place"),
    ("cultuur", "Cultuur", "Culture"),
    ("jeugd", "Jeugd", "Youth"),
    ("armoede-en-schulden", "Armoede en schulden", "Poverty and debt"),
]


def load(apps, schema_editor):
    Municipality = apps.get_model("enterprises", "Municipality")
    Theme = apps.get_model("enterprises", "Theme")
    with (DATA / "municipalities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Municipality.objects.update_or_create(
                cbs_code=row["cbs_code"],
                defaults={
                    "name": row["name"],
                    "slug": slugify(row["name"]),
                    "province": PROVINCES[row["province"]],
                },
            )
    for position, (slug, name, name_en) in enumerate(THEMES):
        Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
