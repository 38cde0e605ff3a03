"""Backup and restore: every record and every uploaded file comes back into an empty database."""

import tarfile

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
    assert {"manifest.json", "db.xml", "media/exports/danh-ba.xlsx", "media/inspections/evidence/ảnh-1.jpg"} <= names

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


def test_restore_refuses_a_database_that_is_not_empty(cast, media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup_data", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_data", str(archive))


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
