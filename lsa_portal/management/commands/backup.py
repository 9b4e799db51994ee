"""Back up the database and the media folder, then delete back-ups past their retention."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lsa_portal import backups

logger = logging.getLogger("lsa_portal.backups")


class Command(BaseCommand):
    requires_system_checks = []  # also the health check, every ten minutes: keep it light
    help = (
        "Write a back-up (database, media folder, manifest with row counts and checksums) to "
        "BACKUP_DIR and delete back-ups older than BACKUP_RETENTION_DAYS. With --check: only "
        "fail when the newest back-up is too old (a health check)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Make no back-up: exit with an error when the newest is older than --max-age.",
        )
        parser.add_argument(
            "--max-age",
            type=float,
            default=26,
            metavar="HOURS",
            help="With --check: the age in hours above which the newest back-up is too old.",
        )

    def handle(self, *args, check=False, max_age=26, **options):
        if check:
            return self._check(timedelta(hours=max_age))
        try:
            path = backups.create_backup()
        except Exception as error:
            # Logged as an error, so that it reaches the error tracker when one is configured.
            logger.exception("Back-up failed")
            raise CommandError(f"Back-up failed: {error}") from error
        manifest = backups.read_manifest(path)
        self.stdout.write(
            f"{path}: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
            f"{len(manifest['media']['files'])} media files"
        )
        # Only after a successful back-up: while back-ups fail, the last good ones stay.
        for pruned in backups.prune_backups():
            self.stdout.write(
                f"deleted {pruned.name} (older than {settings.BACKUP_RETENTION_DAYS} days)"
            )

    def _check(self, max_age: timedelta) -> None:
        age = backups.newest_backup_age()
        if age is None:
            raise CommandError(f"No back-up in {settings.BACKUP_DIR}")
        hours = age.total_seconds() / 3600
        if age > max_age:
            raise CommandError(f"The newest back-up is {hours:.1f} hours old")
        self.stdout.write(f"The newest back-up is {hours:.1f} hours old")
