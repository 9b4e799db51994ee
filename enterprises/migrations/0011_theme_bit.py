"""Every theme gets a stable bit number of its own (``BitNumbered``): the knowledge base's search
keeps an item's themes as a bit mask only, and no longer derives the bit from the primary key
(which left a theme with a key from 63 up without one).

A theme whose key is below 63 keeps the bit it had (``1 << pk``), so that the masks already in the
search table stay right; the others take the lowest free numbers. The knowledge app's migration
0008 rebuilds the masks from the slugs it still has then, and only then drops the slugs.
"""

import django.core.validators
from django.db import migrations, models

MAX_BITS = 63  # as enterprises.models.MAX_BITS when this was written


def number_rows(model) -> None:
    """Give every row of ``model`` a bit: its primary key when below ``MAX_BITS``, else the
    lowest free one."""
    rows = list(model.objects.order_by("pk"))
    if len(rows) > MAX_BITS:
        raise RuntimeError(f"{len(rows)} {model._meta.verbose_name_plural}: at most {MAX_BITS}")
    taken = {row.pk for row in rows if 0 < row.pk < MAX_BITS}
    free = iter([bit for bit in range(MAX_BITS) if bit not in taken])
    for row in rows:
        row.bit = row.pk if row.pk in taken else next(free)
    model.objects.bulk_update(rows, ["bit"])


def number_themes(apps, schema_editor) -> None:
    number_rows(apps.get_model("enterprises", "Theme"))


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0010_yearfigures_year_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="theme",
            name="bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="bit"),
        ),
        migrations.RunPython(number_themes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="theme",
            name="bit",
            field=models.PositiveSmallIntegerField(
                editable=False,
                unique=True,
                validators=[django.core.validators.MaxValueValidator(62)],
                verbose_name="bit",
            ),
        ),
        migrations.AddConstraint(
            model_name="theme",
            constraint=models.CheckConstraint(
                condition=models.Q(("bit__lt", 63)), name="enterprises_theme_bit_range"
            ),
        ),
    ]
