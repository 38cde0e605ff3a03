"""Send the due reminders. By default the work is queued for the background worker (the systemd
timer in deploy/ runs this every hour); --now runs it here and prints what was sent. Safe to run
at any time and as often as wanted: each reminder goes out once."""

from django.core.management.base import BaseCommand

from jobs.queue import enqueue
from notifications.services import reminders_send
from notifications.tasks import send_reminders


class Command(BaseCommand):
    help = "Queue (or with --now, run) the reminder job: classes, enrollments, corrective actions, inspections."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run in this process instead of queueing.")

    def handle(self, *args, now=False, **options):
        if now:
            counts = reminders_send()
            for name, value in counts.items():
                self.stdout.write(f"{name}: {'not installed' if value is None else value}")
            return
        enqueue(send_reminders, on_enqueued=lambda task_id: self.stdout.write(f"queued send_reminders {task_id}"))
