"""Backup and restore: every record and every uploaded file comes back into an empty database; with
--force a database that has data is replaced completely; text comes back byte for byte; a backup taken
during eight writers blocks none of them and restores exactly (SQLite: its own process on a file)."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.management.commands.backup_data import backed_up_models
from staff import services
from staff.access import system_actor


def snapshot():
    """Every row of every backed-up table (primary keys included), and the files."""
    data = {}
    for model in backed_up_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        data[model._meta.label_lower] = sorted(
            (tuple(str(v) for v in row) for row in model._default_manager.values_list(*fields)), key=repr
        )
    return data


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "inspections" / "evidence").mkdir(parents=True)
    (root / "inspections" / "evidence" / "ảnh-1.jpg").write_bytes(b"\xff\xd8\xff photo bytes")
    (root / "exports").mkdir()
    (root / "exports" / "danh-ba.xlsx").write_bytes(b"PK fake workbook")
    (root / "evidence-partial").mkdir()
    (root / "evidence-partial" / "abc.part").write_bytes(b"half an upload")
    (root / "pending-imports").mkdir()
    (root / "pending-imports" / "tok.xlsx").write_bytes(b"preview")
    settings.MEDIA_ROOT = root
    return root


@pytest.mark.django_db(transaction=True)  # flush and restore commit, as they do in real life
def test_backup_then_restore_into_an_empty_database_finds_every_record_and_file(
    cast, people, tree, media, tmp_path, settings
):
    services.staff_update(actor=cast["hr"], staff=people["an"], position_title="Trưởng phòng")
    services.role_assign(actor=cast["admin"], user=cast["nobody"], role="staff", unit=tree["beta"])
    before = snapshot()
    assert len(before["staff.staff"]) == 4 and len(before["audit.historicalstaff"]) == 6
    archive = tmp_path / "backup" / "congvu.tar.gz"
    call_command("backup_data", str(archive))
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    db_member = {"sqlite": "db.sqlite3", "postgresql": "db.pgdump"}[connection.vendor]
    assert {"manifest.json", db_member, "media/exports/danh-ba.xlsx", "media/inspections/evidence/ảnh-1.jpg"} <= names
    assert not any("evidence-partial" in n or "pending-imports" in n for n in names)  # transient folders

    # disaster: the database and the files are gone
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert snapshot()["staff.staff"] == [] and snapshot()["auth.user"] == []

    call_command("restore_data", str(archive))
    after = snapshot()
    assert after == before
    assert (media / "inspections" / "evidence" / "ảnh-1.jpg").read_bytes() == b"\xff\xd8\xff photo bytes"
    assert (media / "exports" / "danh-ba.xlsx").read_bytes() == b"PK fake workbook"
    # the restored data works: passwords, scopes and history
    from django.contrib.auth import authenticate

    assert authenticate(username="hr", password="correct-horse-battery") is not None
    from staff.models import Staff

    an = Staff.objects.get(staff_code="A001")
    assert an.position_title == "Trưởng phòng"
    assert an.history.count() == 2
    if connection.vendor == "postgresql":  # sequences were reset: new rows get new ids
        new = services.unit_create(actor=system_actor(), code="NEW", name="Mới", kind="other")
        assert new.pk > max(int(row[0]) for row in before["staff.unit"])


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(cast, media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup_data", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_data", str(archive))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_or_unsafe_archive(cast, media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup_data", str(archive), "--no-media")
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(evil, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member))
        info = tarfile.TarInfo("../../etc/cron.d/x")
        info.size = 0
        dst.addfile(info)
    with pytest.raises(CommandError, match="Unsafe path"):
        call_command("restore_data", str(evil))


def test_backup_does_not_overwrite_an_existing_archive(cast, media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"old")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_data", str(archive))
    assert archive.read_bytes() == b"old"


@pytest.mark.django_db(transaction=True)
def test_restore_force_replaces_everything_and_keeps_every_byte(cast, people, tree, media, tmp_path):
    from staff.models import Staff, Unit
    from tests.hardening.backup_writers import TRICKY
    from tests.hardening.backup_writers import snapshot as exact_snapshot

    an = people["an"]
    Staff.objects.filter(pk=an.pk).update(position_title=TRICKY, job_position="Nguye\u0302\u0303n")
    before = exact_snapshot()
    archive = tmp_path / "b.tar.gz"
    call_command("backup_data", str(archive))

    # after the backup: a new unit, a changed person, a new file
    services.unit_create(actor=system_actor(), code="NEWER", name="Mới hơn", kind="other")
    Staff.objects.filter(pk=an.pk).update(position_title="đổi sau sao lưu")
    (media / "exports" / "newer.xlsx").write_bytes(b"newer")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_data", str(archive))
    assert Unit.objects.filter(code="NEWER").exists()  # refused: nothing touched

    call_command("restore_data", str(archive), "--replace")
    assert exact_snapshot() == before
    assert not Unit.objects.filter(code="NEWER").exists()
    restored = Staff.objects.get(pk=an.pk)
    assert restored.position_title == TRICKY and "\r\n" in restored.position_title
    assert restored.job_position.encode() == "Nguye\u0302\u0303n".encode()  # still NFD
    assert not (media / "exports" / "newer.xlsx").exists()
    assert (media / "evidence-partial" / "abc.part").exists()  # transient files are not the backup's


def check_writers_report(report):
    assert report["errors"] == [], report["errors"][:3]
    assert report["lost_live"] == []
    assert report["acknowledged"] > report["before_backup"] > 0
    assert report["not_prefix"] == [] and report["missing_before"] == [], report  # one consistent snapshot
    assert report["before_backup"] <= report["restored_from_during"] <= report["acknowledged"]
    assert report["diff"] == {}, report["diff"]
    assert report["tricky_ok"] and report["newer_unit_gone"]


@pytest.mark.django_db(transaction=True)
def test_backup_during_eight_writers_on_postgresql(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: see test_backup_during_eight_writers_on_a_sqlite_file")
    from tests.hardening import backup_writers

    settings.MEDIA_ROOT = tmp_path / "media"
    check_writers_report(backup_writers.run(4.0, tmp_path))


def test_backup_during_eight_writers_on_a_sqlite_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'congvu.sqlite3'}",
        DATA_DIR=str(tmp_path),
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="WARNING",
        DJANGO_DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "x" * 60,
        STATIC_MANIFEST="false",
    )
    run = subprocess.run(
        [sys.executable, "-m", "tests.hardening.backup_writers", "4"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("REPORT ")]
    assert run.returncode == 0 and lines, run.stdout[-2000:] + run.stderr[-4000:]
    report = json.loads(lines[-1][len("REPORT ") :])
    check_writers_report(report)
    print(report)


@pytest.mark.parametrize("tool", ["pg_dump", "pg_restore"])
def test_a_missing_postgresql_client_tool_is_named_with_its_package(tool, monkeypatch, tmp_path):
    from core.management.commands.backup_data import pg_tool

    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without the PostgreSQL client tools
    with pytest.raises(CommandError) as refused:
        pg_tool(tool)
    assert tool in str(refused.value) and "postgresql-client" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_restore_without_pg_restore_stops_before_touching_the_database(cast, people, media, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("pg_restore is only used on PostgreSQL (see the test above for the message)")
    from staff.models import Staff

    archive = tmp_path / "b.tar.gz"
    call_command("backup_data", str(archive), "--no-media")
    before = snapshot()
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    with pytest.raises(CommandError, match="pg_restore is not installed.*postgresql-client"):
        call_command("restore_data", str(archive), "--force")
    assert snapshot() == before and Staff.objects.filter(pk=people["an"].pk).exists()
