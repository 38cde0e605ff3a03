"""tiết as the unit of training: each session carries its tiết (4 a half-day, 8 a full day, by its times),
enrollments their credited tiết, external training its declared tiết, and requirement rules count tiết per year
with the years they apply. The default rule (40 tiết a year) becomes a data row with its basis, replacing the
TRAINING_YEARLY_PERIODS × TRAINING_PERIOD_MINUTES settings."""

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
    dependencies = [("training", "0006_session_date_index")]

    operations = [
        migrations.AddField(
            model_name="classsession",
            name="periods",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="Counted towards the yearly requirement; 4 a half-day, 8 a full day.",
                verbose_name="tiết",
            ),
        ),
        migrations.AddConstraint(
            model_name="classsession",
            constraint=models.CheckConstraint(condition=Q(periods__lte=16), name="training_session_periods_max_16"),
        ),
        migrations.AddField(
            model_name="enrollment",
            name="attended_periods",
            field=models.DecimalField(decimal_places=1, default=0, max_digits=6, verbose_name="tiết attended"),
        ),
        migrations.AddField(
            model_name="enrollment",
            name="planned_periods",
            field=models.PositiveIntegerField(default=0, verbose_name="tiết planned"),
        ),
        migrations.AddField(
            model_name="externaltraining",
            name="periods",
            field=models.DecimalField(decimal_places=1, default=0, max_digits=6, verbose_name="tiết"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="externaltraining",
            name="minutes",
            field=models.PositiveIntegerField(blank=True, default=0, verbose_name="minutes"),
        ),
        migrations.AddField(
            model_name="trainingrequirement",
            name="periods_per_year",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="tiết per year"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="trainingrequirement",
            name="end_year",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Empty: no end.", null=True, verbose_name="last year it applies"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="trainingrequirement", name="minutes_per_year"),
        migrations.AddConstraint(
            model_name="trainingrequirement",
            constraint=models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("effective_year")),
                name="training_requirement_end_after_start",
                violation_error_message="The last year is before the first year.",
            ),
        ),
    ]
