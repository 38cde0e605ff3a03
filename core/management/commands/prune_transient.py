"""Delete partial uploads and unconfirmed import previews older than a day (deploy/ runs it nightly)."""

import datetime as dt

from django.core.management.base import BaseCommand

from core.transient import TRANSIENT_MAX_AGE, prune_transient


class Command(BaseCommand):
    help = "Delete files in MEDIA_ROOT/evidence-partial and MEDIA_ROOT/pending-imports older than --hours (24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=int(TRANSIENT_MAX_AGE.total_seconds() // 3600))

    def handle(self, *args, hours, **options):
        self.stdout.write(f"deleted {prune_transient(max_age=dt.timedelta(hours=hours))} transient files")
