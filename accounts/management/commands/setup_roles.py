from django.core.management.base import BaseCommand

from accounts.roles import ensure_roles


class Command(BaseCommand):
    help = "Create or update the role groups (LSA-medewerker, Gemeente) and their permissions."

    def handle(self, *args, **options):
        groups = ensure_roles()
        for name, group in groups.items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
