"""Rebuild the knowledge base's search table from the items (after an import or a change)."""

from django.core.management.base import BaseCommand

from knowledge import services


class Command(BaseCommand):
    help = "Re-index every knowledge item in the search table."

    def handle(self, *args, **options):
        count = services.rebuild_search_index()
        self.stdout.write(f"{count} public item(s) in the search table.")
