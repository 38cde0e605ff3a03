from django.db import migrations

# code, Vietnamese name, English name, direction, usual source
INDICATORS = [
    ("late_dossiers", "Tỷ lệ hồ sơ trễ hạn", "Late dossiers", "lower", "Hệ thống thông tin giải quyết TTHC"),
    ("online_dossiers", "Tỷ lệ hồ sơ trực tuyến", "Online dossiers", "higher", "Cổng dịch vụ công"),
    ("online_payments", "Tỷ lệ thanh toán trực tuyến", "Online payments", "higher", "Cổng dịch vụ công"),
    ("sipas", "Chỉ số hài lòng của người dân (SIPAS)", "Citizens' satisfaction index (SIPAS)", "higher", "Khảo sát SIPAS"),
    ("report_regularity", "Tỷ lệ báo cáo CCHC đúng hạn", "CCHC reports on time", "higher", "Sở Nội vụ"),
]


def create(apps, schema_editor):
    indicator = apps.get_model("scorecards", "Indicator")
    for code, vi, en, direction, source in INDICATORS:
        indicator.objects.get_or_create(
            code=code,
            defaults={"name_vi": vi, "name_en": en, "direction": direction, "source_hint": source},
        )


def remove(apps, schema_editor):
    apps.get_model("scorecards", "Indicator").objects.filter(
        code__in=[i[0] for i in INDICATORS], values__isnull=True, criteria__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0006_criterion_kinds_indicators_rounds")]

    operations = [migrations.RunPython(create, remove)]
