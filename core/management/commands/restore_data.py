"""`manage.py restore_data IN.tar.gz`: restore a `backup_data` archive into an EMPTY database.

Steps: check the archive (only manifest.json, db.xml and media/…; no absolute paths, links or
`..`; checksums match), apply migrations, refuse if the database already holds users (unless
--force), load db.xml in one transaction (all or nothing), then put the files back under
MEDIA_ROOT and compare the row counts with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.management.commands.backup_data import backed_up_models


def _safe_members(tar: tarfile.TarFile):
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            raise CommandError(f"Unsafe path in archive: {member.name}")
        if not (member.isfile() or member.isdir()):
            raise CommandError(f"Links and devices are not allowed in the archive: {member.name}")
        if member.isfile() and member.name not in ("manifest.json", "db.xml") and path.parts[0] != "media":
            raise CommandError(f"Unexpected file in archive: {member.name}")
        yield member


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Restore a backup_data archive into an empty database (and MEDIA_ROOT)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="load even if the database already has users")

    def handle(self, *args, archive, force=False, **options):
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r:gz") as tar:
            members = list(_safe_members(tar))
            tar.extractall(tmp, members=members, filter="data")
            root = Path(tmp)
            manifest = json.loads((root / "manifest.json").read_text())
            if manifest.get("format") != 1:
                raise CommandError("Unknown archive format.")
            if _sha256(root / "db.xml") != manifest["db_sha256"]:
                raise CommandError("db.xml does not match its checksum; the archive is damaged.")
            for name, digest in manifest["media"].items():
                if _sha256(root / "media" / name) != digest:
                    raise CommandError(f"media/{name} does not match its checksum; the archive is damaged.")

            call_command("migrate", interactive=False, verbosity=0)
            if get_user_model().objects.exists() and not force:
                raise CommandError("The database is not empty (it has users). Restore into an empty database.")
            with transaction.atomic():
                call_command("loaddata", str(root / "db.xml"), verbosity=0)
                counts = {m._meta.label_lower: m._default_manager.count() for m in backed_up_models()}
                missing = {k: (v, counts.get(k)) for k, v in manifest["rows"].items() if counts.get(k, 0) < v}
                if missing:
                    raise CommandError(f"Rows missing after loading: {missing}")

            media_root = Path(settings.MEDIA_ROOT)
            for name in manifest["media"]:
                target = media_root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists() and _sha256(target) != manifest["media"][name] and not force:
                    raise CommandError(f"{target} exists with other content; not overwritten (use --force).")
                shutil.move(str(root / "media" / name), target)
        self.stdout.write(
            f"Restored {sum(manifest['rows'].values())} rows and {len(manifest['media'])} files from {source}"
        )
