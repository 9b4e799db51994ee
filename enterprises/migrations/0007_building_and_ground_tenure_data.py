"""The data of the building's and the ground's tenure apart (0006), and the names people use for
municipalities.

Until now one tenure described a building and its ground together, with leasehold (erfpacht)
beside ownership. The data migration keeps each record meaning what it meant:
- a building (or other property) that was 'eigendom' is owned; for a building, so is its ground
  (leasehold was the alternative on offer, and was not chosen);
- one that was 'erfpacht' is owned, on leasehold ground;
- one that was 'huur' or 'beheer' stays rented or managed, and holds no ground;
- a plot of land keeps its tenure as the ground's (rent of land is 'pacht').
The history of each asset is migrated the same way, so that earlier versions read the same.
"""


from django.db import migrations, models


LAND, BUILDING = "grond", "gebouw"
OWNED, LEASEHOLD = "eigendom", "erfpacht"


def split_tenure(apps, schema_editor):
    for name in ("Asset", "HistoricalAsset"):
        model = apps.get_model("enterprises", name)
        model.objects.filter(kind=LAND).update(ground_tenure=models.F("tenure"))
        model.objects.filter(kind=LAND).update(tenure="")
        model.objects.exclude(kind=LAND).filter(tenure=LEASEHOLD).update(
            tenure=OWNED, ground_tenure=LEASEHOLD
        )
        model.objects.filter(kind=BUILDING, tenure=OWNED, ground_tenure="").update(
            ground_tenure=OWNED
        )


def join_tenure(apps, schema_editor):
    for name in ("Asset", "HistoricalAsset"):
        model = apps.get_model("enterprises", name)
        model.objects.filter(kind=LAND).update(tenure=models.F("ground_tenure"), ground_tenure="")
        model.objects.exclude(kind=LAND).filter(ground_tenure=LEASEHOLD).update(tenure=LEASEHOLD)


def fill_other_names(apps, schema_editor):
    from enterprises.names import municipality_search_names
    from enterprises.reference_data import other_names

    Municipality = apps.get_model("enterprises", "Municipality")
    names = other_names()
    for municipality in Municipality.objects.all():
        municipality.other_names = names.get(municipality.cbs_code, "")
        municipality.search_names = municipality_search_names(
            municipality.name, municipality.other_names
        )
        municipality.save(update_fields=["other_names", "search_names"])


class Migration(migrations.Migration):

    dependencies = [("enterprises", "0006_building_and_ground_tenure")]

    operations = [
        migrations.RunPython(split_tenure, join_tenure),
        migrations.RunPython(fill_other_names, migrations.RunPython.noop),
    ]
