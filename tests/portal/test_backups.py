"""Back-ups: what `manage.py backup` writes comes back whole with `manage.py restore` into an
empty database and media folder (every row, every file), damaged or misplaced restores are
refused before anything is touched, and back-ups past their retention go.

On PostgreSQL (CI) the back-up is pg_dump's and the restore goes into a database made for the
test on the same server; on SQLite into a new file. Either way the restore runs as an operator
would run it: `manage.py restore` in a process of its own, pointed at the empty target."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from enterprises.models import Enterprise
from lsa_portal import audit, backups
from tests.conftest import require_service
from tests.factories import (
    ArticleFactory,
    AssetFactory,
    CaseDescriptionFactory,
    EnterpriseFactory,
    FollowerFactory,
    InvitationFactory,
    LogEntryFactory,
    MembershipFactory,
    MilestoneFactory,
    OfficerLinkFactory,
    ReportFactory,
    ReportRequestFactory,
    StaffFactory,
    SubscriberFactory,
    YearFiguresFactory,
)

ROOT = Path(__file__).resolve().parents[2]
# Rows are committed (pg_dump reads them from its own connection); the data migrations' rows
# (municipalities, roles, themes) are put back afterwards for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    # The accounts' passwords are not what is tested: hashing them fast keeps the fill short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if connection.vendor == "postgresql":
        require_service(
            bool(shutil.which("pg_dump") and shutil.which("pg_restore")),
            "pg_dump and pg_restore (postgresql-client)",
        )


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _fill(media_root: Path) -> None:
    """Rows of many kinds (accounts, enterprises with their history, figures, members,
    invitations, the programme, the knowledge base, followers, the audit log) and files (the
    portal's own uploads, and odd ones: nested, not ASCII, empty, large)."""
    staff = StaffFactory()
    for number in range(3):
        enterprise: Enterprise = EnterpriseFactory.create()
        enterprise.logo.save("logo.png", ContentFile(_png((number * 60, 90, 30))))
        MembershipFactory(enterprise=enterprise)
        YearFiguresFactory(enterprise=enterprise, year=2023)
        YearFiguresFactory(enterprise=enterprise, year=2024)
        AssetFactory(enterprise=enterprise)
        InvitationFactory(enterprise=enterprise)
        audit.record(staff, audit.Action.ENTERPRISE_PUBLISHED, enterprise)
    MilestoneFactory()
    LogEntryFactory()
    ReportFactory()
    ReportRequestFactory()
    ArticleFactory()
    CaseDescriptionFactory()
    SubscriberFactory()
    FollowerFactory()
    OfficerLinkFactory()
    (media_root / "diep" / "en dieper").mkdir(parents=True)
    (media_root / "diep" / "en dieper" / "verslag 2024 – één.txt").write_text("Ĳsselmeer ✓")
    (media_root / "leeg.bin").write_bytes(b"")
    (media_root / "groot.bin").write_bytes(os.urandom(3 * 1024 * 1024))


def _fill_a_little(media_root: Path) -> None:
    """An account, an enterprise and two files: enough to see whether anything changed."""
    MembershipFactory()
    (media_root / "map").mkdir(parents=True)
    (media_root / "map" / "bestand.txt").write_text("inhoud")
    (media_root / "los.bin").write_bytes(os.urandom(1000))


def _counts_here() -> dict[str, int]:
    """Rows per table of the test database, counted by the test itself."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class EmptyTarget:
    """A database that does not exist yet (PostgreSQL: made on the test's server and dropped
    afterwards; SQLite: a new file), with a way to read it that does not go through the portal."""

    def __init__(self, tmp_path: Path):
        self.settings = connection.settings_dict
        if connection.vendor == "postgresql":
            self.name = f"lsa_backup_restore_{uuid.uuid4().hex[:10]}"
            with self._server() as server:
                server.execute(f'CREATE DATABASE "{self.name}"')
            db = self.settings
            password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            self.url = f"postgres://{db['USER']}{password}@{host}:{port}/{self.name}"
        else:
            self.path = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _server(self, dbname: str = "postgres"):
        import psycopg

        db = self.settings
        return psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=dbname,
            autocommit=True,
        )

    def query(self, sql: str) -> list[tuple]:
        if connection.vendor == "postgresql":
            with self._server(self.name) as db:
                return db.execute(sql).fetchall()
        with sqlite3.connect(self.path) as db:
            return db.execute(sql).fetchall()

    def counts(self) -> dict[str, int]:
        if connection.vendor == "postgresql":
            tables = self.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        else:
            tables = self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            )
        return {
            name: self.query(f'SELECT count(*) FROM "{name}"')[0][0]  # noqa: S608
            for (name,) in tables
        }

    def drop(self) -> None:
        if connection.vendor == "postgresql":
            with self._server() as server:
                server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def empty_target(tmp_path):
    target = EmptyTarget(tmp_path)
    yield target
    target.drop()


def _restore(backup: str, target: EmptyTarget, media_root: Path, *extra: str):
    """`manage.py restore` in its own process, as an operator runs it."""
    env = os.environ | {
        "DATABASE_URL": target.url,
        "MEDIA_ROOT": str(media_root),
        "BACKUP_DIR": str(settings.BACKUP_DIR),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", backup, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_restored_backup_has_every_row_and_every_file_of_the_portal(
    settings, tmp_path, empty_target
):
    media_root = Path(settings.MEDIA_ROOT)
    _fill(media_root)
    rows_before = _counts_here()
    files_before = _checksums(media_root)
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM accounts_user")
        emails_before = sorted(cursor.fetchall())
    assert sum(rows_before.values()) > 100 and len(files_before) >= 8

    call_command("backup", stdout=io.StringIO())
    (made,) = backups.list_backups()
    restored_media = tmp_path / "restored-media"
    result = _restore(str(made.path), empty_target, restored_media)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "restored and verified" in result.stdout
    assert empty_target.counts() == rows_before
    assert (
        sorted(map(tuple, empty_target.query("SELECT email FROM accounts_user"))) == emails_before
    )
    assert _checksums(restored_media) == files_before
    # The manifest says the same as the test's own counts.
    manifest = backups.read_manifest(made.path)
    assert manifest["tables"] == rows_before
    assert {name: f["sha256"] for name, f in manifest["media"]["files"].items()} == files_before


def test_restore_refuses_a_database_or_media_folder_that_is_not_empty(
    settings, tmp_path, empty_target
):
    media_root = Path(settings.MEDIA_ROOT)
    _fill_a_little(media_root)
    path = backups.create_backup()
    rows_before, files_before = _counts_here(), _checksums(media_root)

    with pytest.raises(backups.BackupError) as refused:
        backups.restore_backup(path)
    assert "the database already has" in str(refused.value)
    assert f"the media folder {media_root} is not empty" in str(refused.value)
    assert _counts_here() == rows_before and _checksums(media_root) == files_before

    # An empty database but a media folder with a file in it: refused too, and nothing written.
    stray = tmp_path / "stray-media"
    stray.mkdir()
    (stray / "oud.txt").write_text("van een vorige installatie")
    result = _restore("latest", empty_target, stray)
    assert result.returncode != 0
    assert f"the media folder {stray} is not empty" in result.stderr
    assert "--force" in result.stderr
    assert empty_target.counts() == {}
    assert _checksums(stray) == {
        "oud.txt": hashlib.sha256(b"van een vorige installatie").hexdigest()
    }

    # With --force the folder holds exactly the back-up's files afterwards.
    result = _restore("latest", empty_target, stray, "--force")
    assert result.returncode == 0, result.stderr
    assert _checksums(stray) == files_before


def test_a_damaged_backup_is_refused_before_anything_is_replaced(settings):
    media_root = Path(settings.MEDIA_ROOT)
    _fill_a_little(media_root)
    path = backups.create_backup()
    archive = path / backups.MEDIA_ARCHIVE
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    rows_before, files_before = _counts_here(), _checksums(media_root)

    with pytest.raises(CommandError, match="media.tar is damaged"):
        call_command("restore", path.name, "--force")
    assert _counts_here() == rows_before
    assert _checksums(media_root) == files_before


def test_a_tampered_archive_cannot_write_outside_the_media_folder(settings, tmp_path):
    import json
    import tarfile

    path = backups.create_backup()
    archive = path / backups.MEDIA_ARCHIVE
    with tarfile.open(archive, "w") as tar:
        payload = b"overwritten"
        info = tarfile.TarInfo("../buiten-de-map.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    manifest = json.loads((path / backups.MANIFEST).read_text())
    manifest["media"]["sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
    (path / backups.MANIFEST).write_text(json.dumps(manifest))
    media_root = tmp_path / "nieuw" / "media"

    with pytest.raises(tarfile.TarError):
        backups._restore_media(archive, media_root, clear=[])
    assert not (tmp_path / "nieuw" / "buiten-de-map.txt").exists()


def test_backups_past_their_retention_are_deleted_and_nothing_else(settings):
    settings.BACKUP_RETENTION_DAYS = 35
    backup_dir = Path(settings.BACKUP_DIR)
    now = datetime.now(UTC)
    made = {days: backups.create_backup(now=now - timedelta(days=days)) for days in (40, 36, 34, 1)}
    unrelated = backup_dir / "notities"
    unrelated.mkdir()
    (backup_dir / "lees-mij.txt").write_text("kopieer deze map elke nacht naar elders")
    crashed = backup_dir / ".lsa-backup-20200101T000000Z.abc.partial"
    crashed.mkdir()
    os.utime(crashed, (0, 0))

    output = io.StringIO()
    call_command("backup", stdout=output)

    assert not made[40].exists() and not made[36].exists()
    assert made[34].exists() and made[1].exists()
    assert len(backups.list_backups()) == 3  # the two kept, and the one just made
    assert unrelated.is_dir() and (backup_dir / "lees-mij.txt").exists()
    assert not crashed.exists()
    assert f"deleted {made[40].name} (older than 35 days)" in output.getvalue()


def test_a_failed_backup_leaves_no_half_folder_and_deletes_no_old_backup(settings, monkeypatch):
    settings.BACKUP_RETENTION_DAYS = 35
    old = backups.create_backup(now=datetime.now(UTC) - timedelta(days=50))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "_archive_media", disk_full)
    with pytest.raises(CommandError, match="Back-up failed: .*No space left"):
        call_command("backup", stdout=io.StringIO())

    assert old.exists()  # while back-ups fail, the last good one stays
    assert [path.name for path in Path(settings.BACKUP_DIR).iterdir()] == [old.name]


def test_the_health_check_fails_when_the_newest_backup_is_too_old(settings):
    with pytest.raises(CommandError, match="No back-up in"):
        call_command("backup", "--check", stdout=io.StringIO())
    backups.create_backup(now=datetime.now(UTC) - timedelta(hours=30))
    with pytest.raises(CommandError, match="The newest back-up is 30.0 hours old"):
        call_command("backup", "--check", stdout=io.StringIO())
    backups.create_backup(now=datetime.now(UTC) - timedelta(hours=2))
    output = io.StringIO()
    call_command("backup", "--check", stdout=output)
    assert "2.0 hours old" in output.getvalue()


def test_the_privacy_statement_says_how_long_a_deleted_account_lives_on_in_backups(
    client, settings
):
    settings.BACKUP_RETENTION_DAYS = 21
    html = client.get("/privacyverklaring/").content.decode()
    assert "Een back-up wordt na 21 dagen verwijderd" in html
    assert "ook je account, staat dus nog hoogstens 21 dagen in de back-ups" in html


def test_docker_compose_backs_up_every_day_with_a_client_that_can_dump_its_postgres():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["backup"]
    assert "manage.py backup" in service["command"]
    assert "backup --check" in " ".join(service["healthcheck"]["test"])
    mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in service["volumes"]}
    assert mounts["media"] == "/app/var/media"
    assert mounts["backups"] == service["environment"]["BACKUP_DIR"]
    assert "backups" in compose["volumes"]
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The statement that the web app shows names the term that the backup service applies.
    retention = service["environment"]["BACKUP_RETENTION_DAYS"]
    assert compose["services"]["web"]["environment"]["BACKUP_RETENTION_DAYS"] == retention
    # pg_dump refuses a server newer than itself: the image's client has the server's version.
    server_major = compose["services"]["postgres"]["image"].split(":")[1].split("-")[0]
    assert f"postgresql-client-{server_major}" in (ROOT / "Dockerfile").read_text()
