"""Fixtures for the background-job tests: files go to a temporary MEDIA_ROOT, and helpers run a
real worker — in this process (database back-end) or as a separate process (database or RQ)."""

import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_db_worker():
    """Run the django-tasks-db worker's own task loop in this process until the queue is empty.

    The `db_worker` command itself calls close_old_connections(), which would end the test's
    transaction on PostgreSQL; so this claims each ready task and runs it with the worker's
    `run_task`, as the command does. The command itself runs in test_backends.py (a subprocess)."""

    def _run(queue: str = "default") -> int:
        worker = Worker(
            queue_names=[queue],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="in-process-test",
            excluded_queue_names=[],
        )
        ran = 0
        while True:
            # Claim under a row lock inside a transaction, as the worker does: a browser test has no
            # surrounding test transaction, and PostgreSQL refuses SELECT ... FOR UPDATE outside one.
            with transaction.atomic():
                task = DBTaskResult.objects.ready().filter(queue_name=queue).get_locked()
                if task is None:
                    return ran
                task.claim(worker.worker_id)
            worker.run_task(task)
            ran += 1

    return _run


def redis_answers(url: str = "redis://127.0.0.1:6379/0") -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


class LiveDatabase:
    """The test database as another process can open it.

    PostgreSQL (and a file SQLite test database): the same database, by URL; the test must be
    transactional so the rows are committed. In-memory SQLite cannot be shared, so `push()` copies it
    to a file (sqlite3 backup API) for the worker and `pull()` copies the worker's result back."""

    def __init__(self, tmp_path: Path):
        data = connection.settings_dict
        self.file = None
        if connection.vendor == "sqlite":
            if connection.is_in_memory_db():
                self.file = tmp_path / "live.sqlite3"
                self.url = f"sqlite:///{self.file}"
            else:
                self.url = f"sqlite:///{data['NAME']}"
        elif connection.vendor == "postgresql":
            auth = data["USER"] + (f":{data['PASSWORD']}" if data.get("PASSWORD") else "")
            self.url = f"postgres://{auth}@{data['HOST'] or '127.0.0.1'}:{data['PORT'] or 5432}/{data['NAME']}"
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise RuntimeError(connection.vendor)

    def push(self) -> None:
        if self.file is not None:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def pull(self) -> None:
        if self.file is not None:
            source = sqlite3.connect(self.file)
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()


@pytest.fixture
def live_db(transactional_db, tmp_path):
    return LiveDatabase(tmp_path)


def worker_env(live: LiveDatabase, media_root: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        SECRET_KEY="test-only-secret-key-not-for-production-0123456789abcdefgh",
        STATIC_MANIFEST="false",
        SECURE_COOKIES="false",
        DATABASE_URL=live.url,
        DB_CONN_MAX_AGE="0",
        MEDIA_ROOT=str(media_root),
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    env.update(extra)
    return env


def run_manage(args: list[str], env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def rq_queue(settings):
    """A queue of its own on the real Redis, so parallel test processes never share jobs."""
    if not redis_answers(django_settings.REDIS_URL):
        reason = f"REDIS IS NOT ANSWERING at {django_settings.REDIS_URL}: the RQ back-end test cannot run"
        if os.environ.get("CI"):  # .ci/run starts Redis; in CI a missing Redis is a failure
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"congvu-test-{uuid.uuid4().hex[:12]}"
    settings.JOBS_QUEUE = name
    settings.RQ_QUEUES = {q: {"URL": django_settings.REDIS_URL} for q in ("default", name)}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", name]}}
    yield name
    import django_rq

    queue = django_rq.get_queue(name)
    queue.empty()
    queue.delete(delete_jobs=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
