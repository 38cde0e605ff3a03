import importlib
import random
import time
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from staff.demo import DEMO_LOGINS, DEMO_PASSWORD, SeedContext
from staff.models import Unit

# Apps seed in dependency order; each may provide `<app>/demo.py: seed(ctx)`.
SEED_ORDER = ["staff", "training", "inspections", "scorecards"]


class Command(BaseCommand):
    help = "Load the demo province (once). --scale province fills ≈1,500 units and 25,000 staff for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "province"], default="demo")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (and succeed) if data is already loaded."
        )

    def handle(self, *args, scale, seed, if_empty, **options):
        if Unit.objects.filter(code="CB").exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                self._print_logins()
                return
            raise CommandError("Demo data is already loaded (unit CB exists). Use a fresh database.")
        ctx = SeedContext(rng=random.Random(seed), scale=scale, year=timezone.localdate().year)
        started = time.perf_counter()
        with transaction.atomic():
            for label in SEED_ORDER:
                config = apps.get_app_config(label)
                if not Path(config.path, "demo.py").exists():
                    continue
                t0 = time.perf_counter()
                importlib.import_module(f"{label}.demo").seed(ctx)
                # Refresh the planner's statistics: the next app's seed (the scorecards above all) reads what
                # this one wrote, and PostgreSQL would otherwise plan for the empty tables it saw last.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                self.stdout.write(f"  {label}: {time.perf_counter() - t0:.1f} s")
            _reset_sequences()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does some time after a bulk load, done now: the visibility map (index-only
            # scans, e.g. counting the province's findings) and fresh statistics. Outside the transaction.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo province loaded ({scale}) in {time.perf_counter() - started:.1f} s: " + "; ".join(ctx.notes)
            )
        )
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {what}")


def _reset_sequences() -> None:
    """The seeders write rows with explicit primary keys (bulk_create with pk set); on PostgreSQL the
    id sequences must then move past them, or the next normal insert fails with a duplicate key."""
    if connection.vendor != "postgresql":
        return
    models = [m for label in SEED_ORDER for m in apps.get_app_config(label).get_models()]
    models += list(apps.get_app_config("auth").get_models())
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
