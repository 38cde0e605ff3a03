"""Course duration in tiết: one per planned hour for the existing courses (a 4-hour half-day is 4 tiết)."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    for course in Course.objects.only("pk", "planned_minutes"):
        course.planned_periods = (course.planned_minutes + 30) // 60
        course.save(update_fields=["planned_periods"])


class Migration(migrations.Migration):
    dependencies = [("training", "0009_requirement_periods_only")]

    operations = [
        migrations.AddField(
            model_name="course",
            name="planned_periods",
            field=models.PositiveSmallIntegerField(
                blank=True, default=0, help_text="Empty: one tiết per planned hour.",
                verbose_name="planned duration (tiết)",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
