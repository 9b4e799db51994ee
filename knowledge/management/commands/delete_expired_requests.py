"""Delete report requests older than the retention period (for cron, beside Celery beat)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from knowledge import services


class Command(BaseCommand):
    help = "Delete report requests older than KNOWLEDGE_REQUEST_RETENTION_DAYS."

    def handle(self, *args, **options):
        deleted = services.delete_expired_requests()
        self.stdout.write(
            f"Deleted {deleted} report request(s) older than "
            f"{settings.KNOWLEDGE_REQUEST_RETENTION_DAYS} days."
        )
