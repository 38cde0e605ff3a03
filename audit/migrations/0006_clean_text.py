"""Issue 22: text stored before the normaliser existed is cleaned like new text (control characters,
NFC, trimmed ends), history rows included."""

from django.db import migrations

from core.text import migration_cleaner


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_alter_historicalpublishedperiod_published_by_and_more")]

    operations = [migrations.RunPython(migration_cleaner("audit"), migrations.RunPython.noop, elidable=True)]
