from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.xlsx import ImportRejected
from inspections.importers import xlsform_import
from staff.access import system_actor


class Command(BaseCommand):
    help = "Import an XLSForm-shaped checklist workbook: a new template, or the next draft version of an existing one."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook (sheets survey, choices, settings)")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            version = xlsform_import(data=path.read_bytes(), actor=system_actor())
        except ImportRejected as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{version.template.code} v{version.number} ({version.get_status_display()}): "
                f"{version.sections.count()} sections, {version.items.count()} items"
            )
        )
