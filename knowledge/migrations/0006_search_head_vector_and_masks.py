"""The search table reads narrow rows: a small vector to rank with, the facets as bit masks, and
(on PostgreSQL) the body and its vector kept out of the row.

Counting and ranking a search that matches thousands of items reads every matching row; with the
body (a few KB) and its vector in the row, that meant reading and unpacking all of them. Now the
GIN index on ``search_vector`` decides what matches, ``head_vector`` (title and summary) ranks,
and ``theme_mask``/``audience_mask`` count the facets. ``toast_tuple_target`` makes PostgreSQL
move every large value it may out of the row; ``head_vector`` is kept in it (MAIN).
"""

import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models import F

FACET_BITS = 63  # as knowledge.models.FACET_BITS when this was written


def _table(apps, schema_editor) -> str:
    return schema_editor.quote_name(apps.get_model("knowledge", "SearchDocument")._meta.db_table)


def keep_large_values_out_of_the_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = _table(apps, schema_editor)
    schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 128)")
    schema_editor.execute(
        f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE EXTERNAL, "
        "ALTER COLUMN body SET STORAGE EXTERNAL, ALTER COLUMN head_vector SET STORAGE MAIN"
    )


def default_storage(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = _table(apps, schema_editor)
    schema_editor.execute(f"ALTER TABLE {table} RESET (toast_tuple_target)")
    schema_editor.execute(
        f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE EXTENDED, "
        "ALTER COLUMN body SET STORAGE EXTENDED"
    )


def fill(apps, schema_editor):
    """Masks from the slugs, and the head vector; the update rewrites (and so re-stores) rows."""
    SearchDocument = apps.get_model("knowledge", "SearchDocument")
    for model, mask, keys in (
        (apps.get_model("enterprises", "Theme"), "theme_mask", "theme_keys"),
        (apps.get_model("knowledge", "Audience"), "audience_mask", "audience_keys"),
    ):
        for item in model.objects.filter(pk__lt=FACET_BITS):
            SearchDocument.objects.filter(**{f"{keys}__contains": f"|{item.slug}|"}).update(
                **{mask: F(mask).bitor(1 << item.pk)}
            )
    if schema_editor.connection.vendor == "postgresql":
        SearchDocument.objects.update(
            head_vector=SearchVector("title", weight="A", config="dutch")
            + SearchVector("summary", weight="B", config="dutch")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0005_checked_uploads"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="audience_mask",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="head_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="theme_mask",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(keep_large_values_out_of_the_row, default_storage),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
