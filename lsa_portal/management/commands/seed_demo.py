"""Load fictional demo data; running it again changes nothing.

Each app contributes its own ``demo.py`` with a ``seed(log)`` function; they run in the order of
INSTALLED_APPS, so the ground floor exists before the floors above it.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load fictional demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Also run when DJANGO_ENV=production (demo accounts have a known password).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError("Refusing to load demo data in production (see --allow-production).")
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
