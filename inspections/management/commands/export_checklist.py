from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.exports import xlsform_export
from inspections.models import TemplateVersion


class Command(BaseCommand):
    help = "Export a checklist template as an XLSForm-shaped workbook (the latest published version, else the latest)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="template code")
        parser.add_argument("file", help="where to write the .xlsx")
        parser.add_argument("--template-version", type=int, dest="number", help="a given version number")

    def handle(self, *args, code, file, number=None, **options):
        versions = TemplateVersion.objects.filter(template__code=code).select_related("template")
        if number is not None:
            version = versions.filter(number=number).first()
        else:
            version = (
                versions.filter(status="published").order_by("-number").first() or versions.order_by("-number").first()
            )
        if version is None:
            raise CommandError(f"No template version for {code}")
        Path(file).write_bytes(xlsform_export(version=version))
        self.stdout.write(self.style.SUCCESS(f"{code} v{version.number} written to {file}"))
