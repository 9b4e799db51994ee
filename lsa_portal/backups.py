"""Back-ups of the database and the media folder, their retention, and restoring them.

A back-up is one folder in ``BACKUP_DIR``, named after the moment it was made (UTC)::

    lsa-backup-20260115T023000Z/
      database.pgdump    pg_dump --format=custom (PostgreSQL), or
      database.sqlite3   a copy made through SQLite's online back-up API (development)
      media.tar          every file of MEDIA_ROOT
      manifest.json      row counts per table, SHA-256 and size of every media file, and the
                         SHA-256 of the two files above

The row counts are taken in the very snapshot that pg_dump writes (an exported snapshot), and
each media file is hashed from the bytes that go into the tar, so the manifest describes exactly
what the back-up holds. A back-up is written under a hidden name and renamed when complete: a
folder with the final name is always whole.

``restore_backup`` checks the back-up's own checksums, restores into an empty database and an
empty media folder (or replaces what is there when forced), and then compares every table's
row count and every file's checksum with the manifest. Knows no app.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

FORMAT = 1
PREFIX = "lsa-backup-"
STAMP = "%Y%m%dT%H%M%SZ"
NAME_PATTERN = re.compile(r"^lsa-backup-(\d{8}T\d{6}Z)$")
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# A back-up that was being written when its process died: removed after this long.
PARTIAL_GRACE = timedelta(days=1)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A back-up, a restore or its verification could not be done; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    created_at: datetime

    @property
    def name(self) -> str:
        return self.path.name


# --- Making a back-up -----------------------------------------------------------------------


def create_backup(
    *, now: datetime | None = None, backup_dir: Path | None = None, using: str = "default"
) -> Path:
    """Write a back-up of the database ``using`` and of MEDIA_ROOT into ``backup_dir``
    (default ``BACKUP_DIR``) and return its folder. Raises ``BackupError`` and leaves no
    complete-looking folder when anything fails."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    backup_dir = Path(backup_dir or settings.BACKUP_DIR)
    backup_dir.mkdir(parents=True, exist_ok=True)
    final = backup_dir / f"{PREFIX}{now.strftime(STAMP)}"
    if final.exists():
        raise BackupError(f"{final} exists already")
    # Back-ups hold every personal record of the portal: readable by their owner only.
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=backup_dir))
    try:
        vendor = connections[using].vendor
        if vendor not in DATABASE_FILES:
            raise BackupError(f"back-ups support PostgreSQL and SQLite, not {vendor}")
        database_file = work / DATABASE_FILES[vendor]
        if vendor == "postgresql":
            database = _dump_postgresql(using, database_file)
        else:
            database = _copy_sqlite(using, database_file)
        media_root = Path(settings.MEDIA_ROOT)
        files = _archive_media(media_root, work / MEDIA_ARCHIVE)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "database": {
                **database["about"],
                "vendor": vendor,
                "file": database_file.name,
                "sha256": _sha256_of(database_file),
                "size": database_file.stat().st_size,
            },
            "tables": database["tables"],
            "media": {
                "file": MEDIA_ARCHIVE,
                "sha256": _sha256_of(work / MEDIA_ARCHIVE),
                "size": (work / MEDIA_ARCHIVE).stat().st_size,
                "files": files,
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        for path in work.iterdir():
            path.chmod(0o600)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    logger.info(
        "Back-up %s written: %d tables, %d rows, %d media files",
        final.name,
        len(manifest["tables"]),
        sum(manifest["tables"].values()),
        len(files),
    )
    return final


def _dump_postgresql(using: str, target: Path) -> dict[str, Any]:
    """pg_dump the database in a snapshot that this function exports, and count every table's
    rows in that same snapshot: the counts are those of the dump, whatever the portal writes
    meanwhile."""
    wrapper = connections.create_connection(using)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            tables = _postgresql_counts(cursor, wrapper.ops.quote_name)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                env=_libpq_environment(wrapper.settings_dict),
                what="pg_dump",
            )
            cursor.execute("COMMIT")
    finally:
        wrapper.close()
    return {
        "tables": tables,
        "about": {"server_version": server_version, "tool": _tool_version("pg_dump")},
    }


def _postgresql_tables(cursor) -> list[str]:
    cursor.execute(
        """
        SELECT c.relname FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        ORDER BY c.relname
        """
    )
    return [row[0] for row in cursor.fetchall()]


def _postgresql_counts(cursor, quote_name) -> dict[str, int]:
    counts = {}
    for name in _postgresql_tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {quote_name(name)}")  # noqa: S608 (quoted name)
        counts[name] = cursor.fetchone()[0]
    return counts


def _copy_sqlite(using: str, target: Path) -> dict[str, Any]:
    """Copy the SQLite database through its online back-up API (consistent while others write)
    and count the rows of the copy."""
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return {
        "tables": _sqlite_counts(target),
        "about": {"server_version": sqlite3.sqlite_version, "tool": "sqlite3 backup API"},
    }


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]


def _sqlite_counts(path_or_connection) -> dict[str, int]:
    own = not isinstance(path_or_connection, sqlite3.Connection)
    db = sqlite3.connect(path_or_connection) if own else path_or_connection
    try:
        return {
            name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in _sqlite_tables(db)
        }
    finally:
        if own:
            db.close()


def _archive_media(media_root: Path, target: Path) -> dict[str, dict[str, Any]]:
    """Tar every regular file under ``media_root`` (symbolic links are not followed) and return
    the SHA-256 and size of each, hashed from the very bytes that went into the archive."""
    files: dict[str, dict[str, Any]] = {}
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as tar:
        for path in _media_files(media_root):
            relative = path.relative_to(media_root).as_posix()
            with path.open("rb") as handle:
                info = tar.gettarinfo(fileobj=handle, arcname=relative)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                hashing = _HashingReader(handle)
                tar.addfile(info, hashing)
            files[relative] = {"sha256": hashing.hexdigest(), "size": info.size}
    return files


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


class _HashingReader:
    """A file object that hashes what is read through it (tarfile reads exactly the size)."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


# --- Which back-ups exist, and pruning them ------------------------------------------------


def list_backups(backup_dir: Path | None = None) -> list[Backup]:
    """Every complete back-up in ``backup_dir``, oldest first (judged by the folder's name)."""
    backup_dir = Path(backup_dir or settings.BACKUP_DIR)
    if not backup_dir.is_dir():
        return []
    found = []
    for path in backup_dir.iterdir():
        match = NAME_PATTERN.match(path.name)
        if match and path.is_dir() and (path / MANIFEST).is_file():
            created = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
            found.append(Backup(path, created))
    return sorted(found, key=lambda backup: backup.created_at)


def prune_backups(
    *,
    now: datetime | None = None,
    backup_dir: Path | None = None,
    retention_days: int | None = None,
) -> list[Path]:
    """Delete the back-ups older than ``retention_days`` (default ``BACKUP_RETENTION_DAYS``),
    and folders of back-ups that never completed; touch nothing else in ``backup_dir``.
    Returns what was deleted."""
    now = now or datetime.now(UTC)
    backup_dir = Path(backup_dir or settings.BACKUP_DIR)
    keep = timedelta(
        days=settings.BACKUP_RETENTION_DAYS if retention_days is None else retention_days
    )
    deleted = []
    for backup in list_backups(backup_dir):
        if now - backup.created_at > keep:
            shutil.rmtree(backup.path)
            deleted.append(backup.path)
    if backup_dir.is_dir():
        for path in backup_dir.glob(f".{PREFIX}*.partial"):
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if path.is_dir() and now - modified > PARTIAL_GRACE:
                shutil.rmtree(path)
                deleted.append(path)
    for path in deleted:
        logger.info("Back-up %s deleted: past its retention", path.name)
    return deleted


def newest_backup_age(
    *, now: datetime | None = None, backup_dir: Path | None = None
) -> timedelta | None:
    """How old the newest complete back-up is, or None when there is none."""
    backups = list_backups(backup_dir)
    if not backups:
        return None
    return (now or datetime.now(UTC)) - backups[-1].created_at


def find_backup(reference: str, backup_dir: Path | None = None) -> Path:
    """A back-up by path, by folder name in ``BACKUP_DIR``, or ``latest``."""
    if reference == "latest":
        backups = list_backups(backup_dir)
        if not backups:
            raise BackupError(f"no back-up in {backup_dir or settings.BACKUP_DIR}")
        return backups[-1].path
    path = Path(reference)
    if not path.is_dir():
        path = Path(backup_dir or settings.BACKUP_DIR) / reference
    if not (path / MANIFEST).is_file():
        raise BackupError(f"{reference} is not a back-up (no {MANIFEST} there)")
    return path


# --- Restoring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    tables: int
    rows: int
    files: int


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the back-up in ``path``, after checking that the database file and the
    media archive are exactly those it was written for."""
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{path / MANIFEST} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name} has format {manifest.get('format')}, not {FORMAT}")
    for part in (manifest["database"], manifest["media"]):
        file = path / part["file"]
        if not file.is_file():
            raise BackupError(f"{file} is missing")
        if _sha256_of(file) != part["sha256"]:
            raise BackupError(f"{file} is damaged: its checksum differs from the manifest's")
    return manifest


def restore_backup(
    path: Path,
    *,
    using: str = "default",
    media_root: Path | None = None,
    force: bool = False,
) -> RestoreResult:
    """Restore the back-up in ``path`` into the database ``using`` and into ``media_root``
    (default MEDIA_ROOT), then check every table's row count and every file's checksum against
    the manifest. Both must be empty, unless ``force``: then what is there is replaced."""
    path = Path(path)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = read_manifest(path)
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"this back-up is of a {vendor} database; the configured one is {connection.vendor}"
        )
    existing = _table_names(using)
    media_entries = list(media_root.iterdir()) if media_root.is_dir() else []
    if not force:
        problems = []
        if existing:
            problems.append(f"the database already has {len(existing)} tables")
        if media_entries:
            problems.append(f"the media folder {media_root} is not empty")
        if problems:
            raise BackupError(
                "; ".join(problems) + ". Restore into an empty database and an empty media "
                "folder, or pass --force to replace what is there."
            )

    database_file = path / manifest["database"]["file"]
    if vendor == "postgresql":
        _restore_postgresql(using, database_file, drop=existing)
    else:
        _restore_sqlite(using, database_file)
    _restore_media(path / manifest["media"]["file"], media_root, clear=media_entries)

    differences = compare_with_manifest(manifest, using=using, media_root=media_root)
    if differences:
        raise BackupError("the restored data differs from the manifest:\n" + "\n".join(differences))
    logger.info("Back-up %s restored and verified", path.name)
    return RestoreResult(
        path=path,
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["media"]["files"]),
    )


def _restore_postgresql(using: str, dump: Path, *, drop: list[str]) -> None:
    connection = connections[using]
    if drop:
        quoted = ", ".join(connection.ops.quote_name(name) for name in drop)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
    connection.close()  # pg_restore works on its own connection; ours reconnects afterwards
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env=_libpq_environment(connection.settings_dict),
        what="pg_restore",
    )


def _restore_sqlite(using: str, copy: Path) -> None:
    connection = connections[using]
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)  # replaces the whole database, pages and schema
    finally:
        source.close()


def _restore_media(archive: Path, media_root: Path, *, clear: list[Path]) -> None:
    for entry in clear:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        # The "data" filter refuses absolute paths, "..", links that leave the folder and
        # device files: a tampered archive cannot write outside the media folder.
        tar.extractall(media_root, filter="data")


def compare_with_manifest(
    manifest: dict[str, Any], *, using: str = "default", media_root: Path | None = None
) -> list[str]:
    """Every difference between the manifest and the database and media folder as they are:
    a table missing, extra or with another row count; a file missing, extra or changed."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    differences = []
    counts = table_counts(using)
    for table, expected in sorted(manifest["tables"].items()):
        found = counts.get(table)
        if found is None:
            differences.append(f"table {table}: missing")
        elif found != expected:
            differences.append(f"table {table}: {found} rows, the back-up had {expected}")
    differences += [
        f"table {name}: not in the back-up" for name in counts.keys() - manifest["tables"].keys()
    ]
    files = media_checksums(media_root)
    for name, expected in sorted(manifest["media"]["files"].items()):
        checksum = files.get(name)
        if checksum is None:
            differences.append(f"file {name}: missing")
        elif checksum != expected:
            differences.append(f"file {name}: its checksum differs")
    differences += [
        f"file {name}: not in the back-up"
        for name in files.keys() - manifest["media"]["files"].keys()
    ]
    return differences


def table_counts(using: str = "default") -> dict[str, int]:
    """Rows per table of the database ``using``, as the manifest records them."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return _sqlite_counts(connection.connection)
    with connection.cursor() as cursor:
        return _postgresql_counts(cursor, connection.ops.quote_name)


def media_checksums(root: Path) -> dict[str, dict[str, Any]]:
    """SHA-256 and size of every regular file under ``root``, by its path relative to it."""
    return {
        path.relative_to(root).as_posix(): {"sha256": _sha256_of(path), "size": path.stat().st_size}
        for path in _media_files(root)
    }


def _table_names(using: str) -> list[str]:
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return _sqlite_tables(connection.connection)
    with connection.cursor() as cursor:
        return _postgresql_tables(cursor)


# --- Helpers ---------------------------------------------------------------------------------


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The connection settings for pg_dump and pg_restore, as libpq's variables: the password
    never appears on a command line that ``ps`` shows."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        values[f"PG{option.upper()}"] = options.get(option)
    environment.update({key: str(value) for key, value in values.items() if value})
    return environment


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(  # noqa: S603 (fixed program, arguments built here)
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{what} is not installed: install PostgreSQL's client programs "
            "(Debian: postgresql-client), of the server's major version or newer"
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


def _tool_version(program: str) -> str:
    with contextlib.suppress(OSError):
        result = subprocess.run(  # noqa: S603
            [program, "--version"], capture_output=True, text=True, check=False
        )
        return result.stdout.strip()
    return ""
