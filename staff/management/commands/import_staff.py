from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.xlsx import ImportRejected
from staff.access import system_actor
from staff.importers import MappingNeeded, parse_mapping, roster_import


class Command(BaseCommand):
    help = "Import a staff roster from an Excel file (all or nothing). Upserts by staff code."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument(
            "--map",
            default="",
            help='Say which column is which: "Mã số CBCCVC=code,Đơn vị công tác=unit" '
            "(fields: code, name, unit, category, gender, date_of_birth, …; “-” ignores a column).",
        )

    def handle(self, *args, file, dry_run, map, **options):  # noqa: A002 (the option is called --map)
        path = Path(file)
        if not path.exists():
            raise CommandError(f"{file}: no such file")
        try:
            mapping = parse_mapping(map) or None
            plan = roster_import(data=path.read_bytes(), actor=system_actor(), dry_run=dry_run, mapping=mapping)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            hint = ""
            if isinstance(exc, MappingNeeded):
                columns = ", ".join(f"{c.letter} “{c.text}”" for c in exc.scan.cells)
                hint = f" Columns in the file: {columns}. Say which is which with --map “header=field,…”."
            raise CommandError(f"{len(exc.errors)} problem(s) found; nothing was written.{hint}") from exc
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {plan.total} rows: {plan.created} new, {plan.updated} changed, {plan.unchanged} unchanged."
            )
        )
