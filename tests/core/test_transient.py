"""Issue 22 (8): partial uploads and unconfirmed import previews older than a day are deleted by the
nightly housekeeping; recent ones (an upload in progress) stay; backups know the folders to skip."""

import os
import time
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from core.transient import transient_dirs


def touch(path: Path, age_hours: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    stamp = time.time() - age_hours * 3600
    os.utime(path, (stamp, stamp))
    return path


def test_nightly_job_deletes_transient_files_older_than_a_day(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old_part = touch(tmp_path / "evidence-partial" / "7-abc.part", 25)
    new_part = touch(tmp_path / "evidence-partial" / "7-def.part", 2)
    old_preview = touch(tmp_path / "pending-imports" / "3-uuid.xlsx", 30)
    new_preview = touch(tmp_path / "pending-imports" / "training-3-uuid.xlsx", 23)
    evidence = touch(tmp_path / "evidence" / "ab" / "photo.jpg", 100)
    out = StringIO()
    call_command("prune_transient", stdout=out)
    assert out.getvalue().strip() == "deleted 2 transient files"
    assert [p.exists() for p in (old_part, new_part, old_preview, new_preview, evidence)] == [
        False,
        True,
        False,
        True,
        True,
    ]


def test_backups_can_name_the_transient_folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert transient_dirs() == [tmp_path / "evidence-partial", tmp_path / "pending-imports"]


def test_housekeeping_unit_runs_the_command():
    unit = (Path(__file__).resolve().parents[2] / "deploy" / "congvu-housekeeping.service").read_text()
    assert "manage.py prune_transient" in unit
