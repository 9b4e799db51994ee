"""Run every retention rule once (for cron, beside or instead of celery beat)."""

from django.core.management.base import BaseCommand

from lsa_portal import privacy


class Command(BaseCommand):
    help = "Delete personal data past its retention term: every rule of every app."

    def handle(self, *args, **options):
        counts = privacy.apply_retention()
        for rule in privacy.retention_rules():
            self.stdout.write(f"{rule.key}: {counts.get(rule.key, 0)} deleted")
