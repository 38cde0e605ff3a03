"""Issue 22: text stored before the normaliser existed is cleaned like new text (control characters,
NFC, trimmed ends), history rows included."""

from django.db import migrations

from core.text import migration_cleaner


class Migration(migrations.Migration):
    dependencies = [("training", "0006_session_date_index")]

    operations = [migrations.RunPython(migration_cleaner("training"), migrations.RunPython.noop, elidable=True)]
