from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.xlsx import ImportRejected
from staff.access import system_actor
from staff.importers import roster_import


class Command(BaseCommand):
    help = "Import a staff roster from an Excel file (all or nothing). Upserts by staff code."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"{file}: no such file")
        try:
            plan = roster_import(data=path.read_bytes(), actor=system_actor(), dry_run=dry_run)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) found; nothing was written.") from exc
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {plan.total} rows: {plan.created} new, {plan.updated} changed, {plan.unchanged} unchanged."
            )
        )
