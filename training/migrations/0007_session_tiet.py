"""tiết as the unit of training (schema): sessions carry their tiết, enrollments their credited tiết, external
training its declared tiết, requirement rules tiết per year with the years they apply. The data follow in 0008,
the old minutes column of the rules goes in 0009 (PostgreSQL cannot alter a table with pending row updates in the
same transaction)."""

from django.db import migrations, models
from django.db.models import Q


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
    ]
