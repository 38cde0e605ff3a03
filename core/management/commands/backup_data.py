"""`manage.py backup_data OUT.tar.gz`: the whole database and every uploaded file in one archive,
taken while the site keeps working.

The database is copied with the database's own online tools, which read a consistent snapshot without
holding the write lock, and keep every byte of every value (`\\r\\n`, NFD text, emoji, microseconds):

- SQLite: the online backup API (`sqlite3.Connection.backup`) into a new file. In WAL mode (the
  production setting) writers carry on while the copy is read; the copy is one consistent snapshot.
- PostgreSQL: `pg_dump -Fc` (custom format, one REPEATABLE READ snapshot; writers are never blocked).

MEDIA_ROOT files go under `media/` (transient folders — partial uploads, unconfirmed import previews,
the cache — are left out); `manifest.json` records the date, the database vendor, the applied
migrations, the rows per table and a checksum of every member. Restore with `restore_data`, into the
same kind of database.
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
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
FORMAT = 2
# Folders of MEDIA_ROOT that hold nothing worth restoring: half-received uploads and import previews
# waiting for confirmation (both cleaned by the nightly job).
TRANSIENT_MEDIA = ("evidence-partial", "pending-imports")
DB_MEMBER = {"sqlite": "db.sqlite3", "postgresql": "db.pgdump"}


def backed_up_models():
    skip_apps = {e for e in EXCLUDED if "." not in e}
    skip_models = {e.lower() for e in EXCLUDED if "." in e}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in skip_apps or label in skip_models:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        yield model


def media_files(root: Path):
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts and relative.parts[0] in TRANSIENT_MEDIA:
            continue
        if path.is_file() and not path.is_symlink() and not path.name.endswith(".part"):
            yield path


def pg_environment(settings_dict: dict) -> dict:
    """libpq variables for pg_dump / pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    env["PGDATABASE"] = settings_dict["NAME"]
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def pg_tool(name: str) -> str:
    """The path of pg_dump / pg_restore, or a CommandError naming the missing tool and its package."""
    found = shutil.which(name)
    if not found:
        raise CommandError(
            f"{name} is not installed or not on PATH: install the PostgreSQL client tools of the server's major "
            f"version (Debian/Ubuntu: apt install postgresql-client-<version>, e.g. postgresql-client-15). "
            "Nothing was changed."
        )
    return found


def dump_database(target: Path) -> None:
    """A consistent copy of the database in `target`, without stopping writers."""
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:  # the copy must see committed data only, and would wait for ever
            raise CommandError("Run backup_data outside a transaction.")
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        run = subprocess.run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={target}"],
            env=pg_environment(connection.settings_dict),
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise CommandError(f"pg_dump failed: {run.stderr.strip()}")
    else:
        raise CommandError(f"Backups of {connection.vendor} databases are not supported.")


def row_counts(using=None) -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in backed_up_models()}


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup / pg_dump -Fc) and MEDIA_ROOT files into one .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("output", help="archive to write, e.g. /var/backups/congvu-2026-11-27.tar.gz")
        parser.add_argument("--no-media", action="store_true", help="database only")

    def handle(self, *args, output, no_media=False, **options):
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} already exists; choose a new name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        media_root = Path(settings.MEDIA_ROOT)
        member = DB_MEMBER.get(connection.vendor, "db")
        with tempfile.TemporaryDirectory() as tmp:
            db_file = Path(tmp) / member
            migrations = sorted(MigrationRecorder(connection).applied_migrations())
            dump_database(db_file)
            counts = row_counts()  # informative: writes go on while the copy is taken
            files = [] if no_media else list(media_files(media_root))
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connection.vendor,
                "database_member": member,
                "migrations": [f"{app}.{name}" for app, name in migrations],
                "rows": counts,
                "db_sha256": _sha256(db_file),
                "media": {relative_name(p, media_root): _sha256(p) for p in files},
            }
            (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
            partial = target.with_name(target.name + ".part")
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(Path(tmp) / "manifest.json", "manifest.json")
                tar.add(db_file, member)
                for path in files:
                    tar.add(path, f"media/{relative_name(path, media_root)}")
            os.replace(partial, target)
        self.stdout.write(
            f"Backed up the {connection.vendor} database ({sum(counts.values())} rows in {len(counts)} tables) "
            f"and {len(files)} files to {target}"
        )


def relative_name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
