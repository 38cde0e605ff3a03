from django.db import migrations

DEFAULT_YEAR = 2026


def create_default(apps, schema_editor):
    from scorecards import defaults

    model_cls = apps.get_model("scorecards", "ScorecardModel")
    criterion_cls = apps.get_model("scorecards", "Criterion")
    if model_cls.objects.exists():
        return
    model = model_cls.objects.create(year=DEFAULT_YEAR, name=defaults.NAME_VI, legal_basis=defaults.LEGAL_BASIS)
    criterion_cls.objects.bulk_create([criterion_cls(scorecard_model=model, **row) for row in defaults.criterion_rows()])


def remove_default(apps, schema_editor):
    apps.get_model("scorecards", "ScorecardModel").objects.filter(year=DEFAULT_YEAR, publications__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
