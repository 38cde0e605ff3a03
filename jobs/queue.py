"""The one way CongVu sends work to the background: django-tasks, whatever the back-end.

`enqueue(task, ...)` waits for the surrounding transaction to commit, so a worker never picks up a
job whose rows it cannot see yet, and sends the task to the configured queue (settings.JOBS_QUEUE).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction


def enqueue(task, *args, on_enqueued: Callable[[str], None] | None = None, **kwargs) -> None:
    def send() -> None:
        result = task.using(queue_name=settings.JOBS_QUEUE).enqueue(*args, **kwargs)
        if on_enqueued is not None:
            on_enqueued(str(result.id))

    transaction.on_commit(send)
