"""`manage.py backup_data OUT.tar.gz`: the whole database and every uploaded file in one archive.

The database is written with Django's XML serializer (`dumpdata`: primary keys kept, natural keys for content types; XML rather than
JSON because Django's JSON encoder cuts timestamps to milliseconds, and audit times must survive; content types and
permissions left out because `migrate` recreates them), read inside one transaction so the copy is
consistent (PostgreSQL: REPEATABLE READ, read only; SQLite: one transaction). A serialized dump
rather than a SQLite file copy: the same archive restores into an empty SQLite or PostgreSQL database
(`restore_data`), so it also moves a pilot from SQLite to PostgreSQL. MEDIA_ROOT files go under
`media/`; `manifest.json` records the date, the applied migrations and the number of rows per model.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
FORMAT = 1


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
        if path.is_file() and not path.is_symlink():
            yield path


class Command(BaseCommand):
    help = "Back up the database (Django XML serializer, natural keys) and MEDIA_ROOT files into one .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("output", help="archive to write, e.g. /var/backups/congvu-2026-11-27.tar.gz")
        parser.add_argument("--no-media", action="store_true", help="database only")

    def handle(self, *args, output, no_media=False, **options):
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} already exists; choose a new name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        media_root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as tmp:
            db_xml = Path(tmp) / "db.xml"
            outermost = not connection.in_atomic_block
            with transaction.atomic():
                if connection.vendor == "postgresql" and outermost:
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                unmanaged = [m._meta.label for m in apps.get_models() if not m._meta.managed]
                call_command(
                    "dumpdata",
                    exclude=EXCLUDED + unmanaged,
                    format="xml",
                    natural_foreign=True,
                    output=str(db_xml),
                    verbosity=0,
                )
                counts = {m._meta.label_lower: m._default_manager.count() for m in backed_up_models()}
                migrations = sorted(MigrationRecorder(connection).applied_migrations())
            files = [] if no_media else list(media_files(media_root))
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connection.vendor,
                "migrations": [f"{app}.{name}" for app, name in migrations],
                "rows": counts,
                "db_sha256": _sha256(db_xml),
                "media": {str(p.relative_to(media_root)): _sha256(p) for p in files},
            }
            (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
            partial = target.with_name(target.name + ".part")
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(Path(tmp) / "manifest.json", "manifest.json")
                tar.add(db_xml, "db.xml")
                for path in files:
                    tar.add(path, f"media/{path.relative_to(media_root).as_posix()}")
            os.replace(partial, target)
        self.stdout.write(
            f"Backed up {sum(counts.values())} rows in {len(counts)} tables and {len(files)} files to {target}"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
