"""The search table keeps an item's themes and audiences once: as bit masks, with the stable bit
number of each theme and audience (``enterprises.models.BitNumbered``), no longer also as slugs.

Audiences are numbered as themes were (enterprises 0011: the bit they had when their key was
below 63, else the lowest free one); then every mask is rebuilt from the slugs, which also gives
the facets with a key from 63 up (counted through their slugs until now) their bits; then the
slugs go. Backwards the slugs are filled in from the masks again.
"""

from importlib import import_module

import django.core.validators
from django.db import migrations, models
from django.db.models import F

# The numbering of enterprises 0011, the same for audiences.
number_rows = import_module("enterprises.migrations.0011_theme_bit").number_rows

DIMENSIONS = (("enterprises", "Theme", "theme"), ("knowledge", "Audience", "audience"))


def number_audiences(apps, schema_editor) -> None:
    number_rows(apps.get_model("knowledge", "Audience"))


def masks_from_keys(apps, schema_editor) -> None:
    SearchDocument = apps.get_model("knowledge", "SearchDocument")
    SearchDocument.objects.update(theme_mask=0, audience_mask=0)
    for app, model, name in DIMENSIONS:
        mask = f"{name}_mask"
        for item in apps.get_model(app, model).objects.all():
            SearchDocument.objects.filter(**{f"{name}_keys__contains": f"|{item.slug}|"}).update(
                **{mask: F(mask).bitor(1 << item.bit)}
            )


# The bit the code before this migration gave a theme or audience: ``1 << pk`` below this key.
OLD_FACET_BITS = 63


def keys_from_masks(apps, schema_editor) -> None:
    """Backwards: the slugs from the masks, and the masks in the old numbering (``1 << pk`` for
    a key below 63), which the code before this migration reads."""
    SearchDocument = apps.get_model("knowledge", "SearchDocument")
    facets = {
        name: [
            (item.bit, item.slug, 1 << item.pk if 0 < item.pk < OLD_FACET_BITS else 0)
            for item in apps.get_model(app, model).objects.all()
        ]
        for app, model, name in DIMENSIONS
    }
    documents = list(SearchDocument.objects.all())
    for document in documents:
        for name, items in facets.items():
            mask = getattr(document, f"{name}_mask")
            held = [(slug, old) for bit, slug, old in items if mask & (1 << bit)]
            slugs = sorted(slug for slug, _old in held)
            setattr(document, f"{name}_keys", f"|{'|'.join(slugs)}|" if slugs else "")
            setattr(document, f"{name}_mask", sum(old for _slug, old in held))
    SearchDocument.objects.bulk_update(
        documents,
        ["theme_keys", "audience_keys", "theme_mask", "audience_mask"],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0011_theme_bit"),
        ("knowledge", "0007_subscriber_confirmed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="audience",
            name="bit",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="bit"),
        ),
        migrations.RunPython(number_audiences, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="audience",
            name="bit",
            field=models.PositiveSmallIntegerField(
                editable=False,
                unique=True,
                validators=[django.core.validators.MaxValueValidator(62)],
                verbose_name="bit",
            ),
        ),
        migrations.AddConstraint(
            model_name="audience",
            constraint=models.CheckConstraint(
                condition=models.Q(("bit__lt", 63)), name="knowledge_audience_bit_range"
            ),
        ),
        migrations.RunPython(masks_from_keys, keys_from_masks),
        migrations.RemoveField(model_name="searchdocument", name="theme_keys"),
        migrations.RemoveField(model_name="searchdocument", name="audience_keys"),
        migrations.AlterField(
            model_name="searchdocument",
            name="theme_mask",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="themes"),
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="audience_mask",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="audiences"),
        ),
    ]
