"""Reference data (the three audiences) and, on PostgreSQL only, the GIN index of the search.

The index is created with SQL when the database is PostgreSQL, so that ``migrate`` keeps working
on SQLite (the embedded default), where the search falls back to icontains.
"""

from django.db import migrations

AUDIENCES = [
    ("gemeente", "Gemeenten", "Municipalities"),
    ("professional", "Professionals", "Professionals"),
    ("bewoner", "Bewoners", "Residents"),
]

INDEX = "searchdoc_vector_gin"


def load_audiences(apps, schema_editor):
    Audience = apps.get_model("knowledge", "Audience")
    for position, (slug, name, name_en) in enumerate(AUDIENCES):
        Audience.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
        )


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("knowledge", "SearchDocument")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {schema_editor.quote_name(table)} "
        "USING gin (search_vector)"
    )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [
        migrations.RunPython(load_audiences, migrations.RunPython.noop),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
