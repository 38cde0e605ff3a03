"""tiết as the unit of training (data): each session gets its tiết by its times (4 a half-day, 8 a full day),
closed enrollments the tiết credited, external training its minutes ÷ 45, rules their minutes ÷ 45; the default
rule (40 tiết a year) becomes a data row with its basis, replacing the TRAINING_YEARLY_PERIODS ×
TRAINING_PERIOD_MINUTES settings."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations, models
from django.db.models import Q

TIET_MINUTES = 45
DEFAULT_RULE_NAME = "Định mức bồi dưỡng chung (40 tiết/năm)"
DEFAULT_RULE_BASIS = (
    "TT 01/2018/TT-BNV, Điều 3 (chương trình bồi dưỡng bắt buộc tối thiểu hằng năm); "
    "mức 1 tuần = 40 tiết theo kế hoạch ĐTBD của tỉnh"
)


def _session_periods(start, end):
    noon = dt.time(12, 0)
    return 4 * max((start < noon) + (end > noon), 1)


def _tenth(value):
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def convert_sessions(ClassSession) -> dict[int, int]:
    """Each session's tiết by its times; returns each class's total."""
    by_class: dict[int, int] = {}
    changed = []
    for s in ClassSession.objects.only("pk", "training_class_id", "start_time", "end_time").iterator():
        s.periods = _session_periods(s.start_time, s.end_time)
        by_class[s.training_class_id] = by_class.get(s.training_class_id, 0) + s.periods
        changed.append(s)
        if len(changed) >= 2000:
            ClassSession.objects.bulk_update(changed, ["periods"])
            changed = []
    ClassSession.objects.bulk_update(changed, ["periods"])
    return by_class


def convert_enrollments(Enrollment, by_class: dict[int, int]) -> None:
    """Closed enrollments: the class's tiết, and the tiết credited in the share of minutes counted."""
    changed = []
    closed = Enrollment.objects.filter(planned_minutes__gt=0).only(
        "pk", "training_class_id", "attended_minutes", "planned_minutes"
    )
    for e in closed.iterator():
        planned = by_class.get(e.training_class_id, 0)
        e.planned_periods = planned
        counted = min(e.attended_minutes, e.planned_minutes)
        e.attended_periods = _tenth(Decimal(planned) * counted / e.planned_minutes)
        changed.append(e)
        if len(changed) >= 2000:
            Enrollment.objects.bulk_update(changed, ["planned_periods", "attended_periods"])
            changed = []
    Enrollment.objects.bulk_update(changed, ["planned_periods", "attended_periods"])


def forwards(apps, schema_editor):
    ClassSession = apps.get_model("training", "ClassSession")
    Enrollment = apps.get_model("training", "Enrollment")
    ExternalTraining = apps.get_model("training", "ExternalTraining")
    TrainingRequirement = apps.get_model("training", "TrainingRequirement")

    convert_enrollments(Enrollment, convert_sessions(ClassSession))

    for x in ExternalTraining.objects.only("pk", "minutes"):
        x.periods = _tenth(Decimal(x.minutes) / TIET_MINUTES)
        x.save(update_fields=["periods"])

    for r in TrainingRequirement.objects.only("pk", "minutes_per_year"):
        r.periods_per_year = int(_tenth(Decimal(r.minutes_per_year) / TIET_MINUTES).to_integral_value(ROUND_HALF_UP))
        r.save(update_fields=["periods_per_year"])

    if not TrainingRequirement.objects.filter(
        active=True, staff_category="", job_position="", rank_code="", unit__isnull=True
    ).exists():
        TrainingRequirement.objects.create(
            name=DEFAULT_RULE_NAME, periods_per_year=40, minutes_per_year=40 * TIET_MINUTES, effective_year=2018,
            legal_basis=DEFAULT_RULE_BASIS,
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0007_session_tiet")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
