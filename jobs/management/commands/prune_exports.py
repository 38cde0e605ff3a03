"""Delete finished exports (rows and files) older than EXPORT_RETENTION_DAYS (deploy/ runs it nightly)."""

from django.core.management.base import BaseCommand

from jobs.worker import export_prune


class Command(BaseCommand):
    help = "Delete export files and rows older than EXPORT_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        self.stdout.write(f"deleted {export_prune(days=days)} exports")
