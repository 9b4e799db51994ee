"""The links in the digest's mails become signed (``lsa_portal.optin``): no token is stored for a
new follower. The stored token of an existing follower stays, as ``legacy_token``, so that the
links in mails already sent keep working. Going back gives every follower without one a new
random token (the old scheme needs one per row)."""

import secrets

from django.db import migrations, models


def tokens_for_everyone(apps, schema_editor):
    Follower = apps.get_model("municipalities", "Follower")
    for follower in Follower.objects.filter(legacy_token__isnull=True).only("pk"):
        follower.legacy_token = secrets.token_urlsafe(32)
        follower.save(update_fields=["legacy_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0003_followers"),
    ]

    operations = [
        migrations.RenameField(model_name="follower", old_name="token", new_name="legacy_token"),
        migrations.AlterField(
            model_name="follower",
            name="legacy_token",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, tokens_for_everyone),
    ]
