"""Requirement rules count tiết only: the minutes column goes (converted in 0008)."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("training", "0008_session_tiet_data")]

    operations = [
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
