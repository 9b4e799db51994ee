"""One mark of a confirmed subscription: ``confirmed_at``. The boolean ``confirmed`` goes.

A row marked confirmed keeps being confirmed: the constraint made ``confirmed_at`` required for
such rows, but one without it (from before that constraint) gets its sign-up moment. A row not
marked confirmed stays unconfirmed, even with a date (staff could untick the box in the admin).
Going back sets the boolean from the timestamp again.
"""

from django.db import migrations
from django.db.models import F


def date_from_boolean(apps, schema_editor):
    Subscriber = apps.get_model("knowledge", "Subscriber")
    Subscriber.objects.filter(confirmed=True, confirmed_at__isnull=True).update(
        confirmed_at=F("created_at")
    )
    Subscriber.objects.filter(confirmed=False).update(confirmed_at=None)


def boolean_from_date(apps, schema_editor):
    Subscriber = apps.get_model("knowledge", "Subscriber")
    Subscriber.objects.filter(confirmed_at__isnull=False).update(confirmed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0006_search_head_vector_and_masks"),
    ]

    operations = [
        migrations.RunPython(date_from_boolean, boolean_from_date),
        migrations.RemoveConstraint(
            model_name="subscriber",
            name="subscriber_confirmed_has_date",
        ),
        migrations.RemoveField(
            model_name="subscriber",
            name="confirmed",
        ),
    ]
