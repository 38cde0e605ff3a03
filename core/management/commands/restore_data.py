"""`manage.py restore_data IN.tar.gz [--force]`: put a `backup_data` archive back.

Steps: check the archive (only manifest.json, the database member and media/…; no absolute paths,
links or `..`; checksums match); refuse a database that already holds data unless `--force` (alias
`--replace`) says to replace it; then replace the database COMPLETELY with the copy (rows written after
the backup are gone):

- SQLite: the copy is written next to the database file and swapped in (`os.replace`, atomic); an
  in-memory database (tests) is overwritten with the online backup API.
- PostgreSQL: the `public` schema is dropped and `pg_restore --single-transaction` loads the dump.

Then `migrate` brings an older copy up to the code's schema, and the files go back under MEDIA_ROOT
(with --force, files written after the backup are removed too, transient folders aside). Stop the site
(web and workers) while restoring.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction

from core.management.commands.backup_data import (
    DB_MEMBER,
    TRANSIENT_MEDIA,
    backed_up_models,
    media_files,
    pg_environment,
    pg_tool,
)

DB_MEMBERS = {"db.xml", *DB_MEMBER.values()}


def _safe_members(tar: tarfile.TarFile):
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise CommandError(f"Unsafe path in archive: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise CommandError(f"Links and devices are not allowed in the archive: {member.name}")
        if member.isfile() and member.name != "manifest.json" and member.name not in DB_MEMBERS:
            if path.parts[0] != "media":
                raise CommandError(f"Unexpected file in archive: {member.name}")
        yield member


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def database_has_data() -> bool:
    tables = set(connection.introspection.table_names())
    for model in backed_up_models():
        if model._meta.db_table in tables and model._default_manager.exists():
            return True
    return False


def is_memory_sqlite(name) -> bool:
    name = str(name)
    return name == ":memory:" or "mode=memory" in name


def restore_sqlite(copy: Path) -> None:
    name = connection.settings_dict["NAME"]
    check = sqlite3.connect(copy)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise CommandError("The database copy in the archive is damaged.")
    finally:
        check.close()
    if is_memory_sqlite(name):
        connection.ensure_connection()
        source = sqlite3.connect(copy)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    target = Path(name)
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, staged)
    connections.close_all()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


def restore_postgresql(dump: Path) -> None:
    tool = pg_tool("pg_restore")  # before the schema is dropped: a missing tool must change nothing
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connections.close_all()
    run = subprocess.run(
        [
            tool,
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env={**pg_environment(connection.settings_dict), "PGOPTIONS": "-c client_min_messages=warning"},
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise CommandError(f"pg_restore failed: {run.stderr.strip()}")


def forget_cached() -> None:
    """Whatever the processes kept from the data before is wrong now."""
    from django.contrib.contenttypes.models import ContentType

    from core import versions

    ContentType.objects.clear_cache()
    versions.renew()  # every result memoised under the old data version is abandoned


def restore_xml(path: Path) -> None:
    """Archives of format 1 (Django XML): flush, then load in one transaction."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        call_command("loaddata", str(path), verbosity=0)


class Command(BaseCommand):
    help = "Restore a backup_data archive: into an empty database, or replacing everything with --force."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            "--replace",
            action="store_true",
            dest="force",
            help="replace a database that holds data (everything written after the backup is lost)",
        )

    def handle(self, *args, archive, force=False, **options):
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r:gz") as tar:
            members = list(_safe_members(tar))
            tar.extractall(tmp, members=members, filter="data")
            root = Path(tmp)
            manifest = json.loads((root / "manifest.json").read_text())
            fmt = manifest.get("format")
            if fmt not in (1, 2):
                raise CommandError("Unknown archive format.")
            member = manifest.get("database_member", "db.xml") if fmt == 2 else "db.xml"
            if member not in DB_MEMBERS or not (root / member).is_file():
                raise CommandError("The archive holds no database copy.")
            if _sha256(root / member) != manifest["db_sha256"]:
                raise CommandError(f"{member} does not match its checksum; the archive is damaged.")
            for name, digest in manifest["media"].items():
                if _sha256(root / "media" / name) != digest:
                    raise CommandError(f"media/{name} does not match its checksum; the archive is damaged.")
            if fmt == 2 and manifest["database_vendor"] != connection.vendor:
                raise CommandError(
                    f"This archive holds a {manifest['database_vendor']} database; the site uses {connection.vendor}."
                )
            if fmt == 2 and connection.vendor == "postgresql":
                pg_tool("pg_restore")  # refuse at once, before anything is touched, when the tool is missing
            if database_has_data() and not force:
                raise CommandError(
                    "The database is not empty. Restore into an empty database, or add --force to replace "
                    "everything in it with the backup."
                )

            if fmt == 1:
                restore_xml(root / member)
            elif connection.vendor == "sqlite":
                restore_sqlite(root / member)
            else:
                restore_postgresql(root / member)
            forget_cached()
            call_command("migrate", interactive=False, verbosity=0)
            counts = {m._meta.label_lower: m._default_manager.count() for m in backed_up_models()}
            if fmt == 1:
                missing = {k: (v, counts.get(k)) for k, v in manifest["rows"].items() if counts.get(k, 0) < v}
                if missing:
                    raise CommandError(f"Rows missing after loading: {missing}")

            media_root = Path(settings.MEDIA_ROOT)
            if force:
                wanted = set(manifest["media"])
                for path in list(media_files(media_root)):
                    if path.relative_to(media_root).as_posix() not in wanted:
                        path.unlink()
            for name in manifest["media"]:
                target = media_root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists() and _sha256(target) != manifest["media"][name] and not force:
                    raise CommandError(f"{target} exists with other content; not overwritten (use --force).")
                shutil.move(str(root / "media" / name), target)
        self.stdout.write(
            f"Restored the database ({sum(counts.values())} rows) and {len(manifest['media'])} files from {source}"
        )


__all__ = ["Command", "TRANSIENT_MEDIA"]
