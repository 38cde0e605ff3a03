"""The data migration that gave every existing certificate a random verification code
(training 0007_certificate_kind_verify_code): back to the state before it, certificates made with the
historical models, forward again: every one has its own code of at least 10 characters from the
verification alphabet. Runs on whichever database the suite uses (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.security import VERIFY_ALPHABET
from staff.models import StaffCategory
from tests.factories import make_staff, make_unit
from training.models import TrainingRequirement

BEFORE = ("training", "0006_session_date_index")
MIGRATION = ("training", "0007_certificate_kind_verify_code")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_certificates_get_unique_random_codes():
    unit = make_unit("Sở Di Trú", code="DITRU")
    people = [make_staff(unit, f"Người {i}", category=StaffCategory.CONG_CHUC) for i in range(5)]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    # Rules saved in tiết only cannot go back to the minutes-only schema of 0006 (0009 is one way for them).
    TrainingRequirement.objects.all().delete()
    try:
        apps = _migrate([BEFORE])
        Course = apps.get_model("training", "Course")
        TrainingClass = apps.get_model("training", "TrainingClass")
        Enrollment = apps.get_model("training", "Enrollment")
        Certificate = apps.get_model("training", "Certificate")
        assert "verify_code" not in {f.name for f in Certificate._meta.get_fields()}
        course = Course.objects.create(
            code="C-MIG", title="Khóa cũ", category="digital", planned_minutes=240, owner_unit_id=unit.pk
        )
        day = dt.date(2025, 5, 6)
        klass = TrainingClass.objects.create(
            course=course, code="L-MIG", unit_id=unit.pk, capacity=10, start_date=day, end_date=day
        )
        for serial, person in enumerate(people, start=1):
            enrollment = Enrollment.objects.create(training_class=klass, staff_id=person.pk, outcome="completed")
            Certificate.objects.create(
                enrollment=enrollment, serial_year=2025, serial_no=serial, number=f"2025/{serial:06d}", issued_on=day
            )
        apps = _migrate([MIGRATION])
        codes = list(apps.get_model("training", "Certificate").objects.values_list("verify_code", flat=True))
        assert len(codes) == len(people) == len(set(codes))
        assert all(code and len(code) >= 10 and set(code) <= set(VERIFY_ALPHABET) for code in codes)
    finally:
        _migrate(latest)  # the schema the rest of the suite expects
