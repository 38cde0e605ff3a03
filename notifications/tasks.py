"""Background tasks for notifications (django-tasks)."""

from django_tasks import task

from notifications.services import reminders_send


@task()
def send_reminders() -> dict:
    return reminders_send()
