"""Background tasks for notifications (django-tasks)."""

from django_tasks import task


@task()
def send_reminders() -> dict:
    from notifications.services import reminders_send

    return reminders_send()
