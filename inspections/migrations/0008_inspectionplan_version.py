from django.db import migrations, models


class Migration(migrations.Migration):
    """Plans are edited with a version (ETag / If-Match, hidden form field): no lost update."""

    dependencies = [("inspections", "0007_merge_session_24")]

    operations = [
        migrations.AddField(
            model_name="inspectionplan",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="version"),
        ),
    ]
