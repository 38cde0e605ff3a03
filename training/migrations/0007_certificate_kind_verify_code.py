"""Courses say which certificate they give; certificates get a random verification code (issue 22):
existing certificates receive one here, so their old sequential URLs can stop revealing holders."""

from django.db import migrations, models

import core.security


def give_codes(apps, schema_editor):
    Certificate = apps.get_model("training", "Certificate")
    used = set()
    for cert in Certificate.objects.filter(verify_code__isnull=True).only("pk").iterator():
        code = core.security.new_verify_code()
        while code in used:
            code = core.security.new_verify_code()
        used.add(code)
        Certificate.objects.filter(pk=cert.pk).update(verify_code=code)


class Migration(migrations.Migration):
    dependencies = [("training", "0006_session_date_index")]

    operations = [
        migrations.AddField(
            model_name="course",
            name="certificate_kind",
            field=models.CharField(
                choices=[
                    ("gcn", "Certificate of completion (giấy chứng nhận)"),
                    ("cc", "Certificate (chứng chỉ)"),
                ],
                default="gcn",
                max_length=3,
                verbose_name="certificate kind",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revoked_on",
            field=models.DateField(blank=True, null=True, verbose_name="revoked on"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="verify_code",
            field=models.CharField(editable=False, max_length=24, null=True, verbose_name="verification code"),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="verify_code",
            field=models.CharField(
                default=core.security.new_verify_code,
                editable=False,
                max_length=24,
                unique=True,
                verbose_name="verification code",
            ),
        ),
    ]
