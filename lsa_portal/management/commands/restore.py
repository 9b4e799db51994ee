"""Restore a back-up into an empty database and media folder, and verify it."""

from django.core.management.base import BaseCommand, CommandError

from lsa_portal import backups


class Command(BaseCommand):
    help = (
        "Restore a back-up made by `manage.py backup` into the configured database and "
        "MEDIA_ROOT, both empty, then compare every table's row count and every file's "
        "checksum with its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "backup", help="The back-up's folder, its name in BACKUP_DIR, or 'latest'."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the tables of a database and the files of a media folder that are "
            "not empty (everything there is lost).",
        )

    def handle(self, *args, backup, force=False, **options):
        try:
            path = backups.find_backup(backup)
            result = backups.restore_backup(path, force=force)
        except backups.BackupError as error:
            raise CommandError(f"Restore failed: {error}") from error
        self.stdout.write(
            f"{result.path.name} restored and verified: {result.tables} tables, "
            f"{result.rows} rows, {result.files} media files. Run `manage.py migrate` if "
            "this version of the portal is newer than the back-up."
        )
