"""Issue 22: text stored before the normaliser existed is cleaned like new text (control characters,
NFC, trimmed ends), history rows included."""

from django.db import migrations

from core.text import migration_cleaner


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_assignment_due_idx")]

    operations = [migrations.RunPython(migration_cleaner("inspections"), migrations.RunPython.noop, elidable=True)]
