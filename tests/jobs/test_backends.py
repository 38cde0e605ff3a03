"""The same job code on both back-ends, each with a real worker process:
- the database back-end (django-tasks-db) with `manage.py db_worker` as a subprocess;
- RQ on the real Redis at 127.0.0.1:6379 with `manage.py rqworker` as a subprocess.
The worker opens the test database by URL (see LiveDatabase in conftest.py)."""

import io

from django.urls import reverse
from django_tasks import TaskResultStatus, default_task_backend
from openpyxl import load_workbook

from jobs import services
from jobs.models import ExportJob, ExportStatus
from staff.access import system_actor
from tests.jobs.conftest import run_manage, worker_env


def _start_export(user):
    job = services.export_start(actor=user, kind="staff_directory", filters={"q": ["binh"]})
    job.refresh_from_db()
    return job


def _assert_export_done(client, job):
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.attempts) == (ExportStatus.DONE, 1, 1, 1)
    response = client.get(reverse("jobs:export-download", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [r[:2] for r in rows] == [("Mã số", "Họ và tên"), ("A002", "Trần Thị Bình")]


def test_export_runs_on_the_database_backend_in_a_worker_process(live_db, cast, people, login, media_root):
    job = _start_export(cast["hr"])  # autocommit: the task row is written when the export is recorded
    assert job.task_id
    live_db.push()

    worker = run_manage(
        ["db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", "--queue-name", "default"],
        worker_env(live_db, media_root, TASKS_BACKEND="database"),
    )
    assert worker.returncode == 0, worker.stderr

    live_db.pull()
    _assert_export_done(login(cast["hr"]), job)
    result = default_task_backend.get_result(job.task_id)
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, {"status": "done", "rows": 1})


def test_export_runs_on_rq_with_a_real_worker_process(live_db, rq_queue, cast, people, login, media_root):
    job = _start_export(cast["hr"])
    assert job.task_id
    assert default_task_backend.get_result(job.task_id).status == TaskResultStatus.READY
    live_db.push()

    worker = run_manage(
        ["rqworker", rq_queue, "--burst"], worker_env(live_db, media_root, TASKS_BACKEND="rq", TASKS_QUEUE=rq_queue)
    )
    assert worker.returncode == 0, worker.stderr

    live_db.pull()
    _assert_export_done(login(cast["hr"]), job)
    result = default_task_backend.get_result(job.task_id)
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, {"status": "done", "rows": 1})


def test_a_failing_job_is_recorded_on_rq(live_db, rq_queue, cast, people, tree, media_root):
    job = _start_export(cast["hr"])
    ExportJob.objects.filter(pk=job.pk).update(filters={"unit": [str(tree["beta"].pk)]})  # outside the scope
    live_db.push()

    worker = run_manage(
        ["rqworker", rq_queue, "--burst"], worker_env(live_db, media_root, TASKS_BACKEND="rq", TASKS_QUEUE=rq_queue)
    )
    assert worker.returncode == 0, worker.stderr

    live_db.pull()
    job.refresh_from_db()
    result = default_task_backend.get_result(job.task_id)
    assert (result.status, result.errors[0].exception_class) == (TaskResultStatus.FAILED, ValueError)
    assert (job.status, job.error.startswith("Bộ lọc không hợp lệ: unit: "), bool(job.file)) == (
        ExportStatus.FAILED,
        True,
        False,
    )


def _class_next_week(tree, people):
    import datetime as dt

    from django.utils import timezone

    from tests.training.conftest import make_class
    from training import services as training_services
    from training.models import ClassStatus, CourseCategory

    course = training_services.course_create(
        actor=system_actor(),
        code="VHCV-01",
        title="Văn hóa công vụ",
        category=CourseCategory.SERVICE_CULTURE,
        planned_minutes=240,
        owner_unit=tree["alpha"],
    )
    start = timezone.localdate() + dt.timedelta(days=7)
    klass = make_class(course, tree["alpha"], code="L-7", start=start, days=1, status=ClassStatus.OPEN)
    training_services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["binh"])
    return f"[CongVu] Còn một tuần: Văn hóa công vụ (L-7), ngày {start:%d/%m/%Y} lúc 08:00"


def _reminders_twice():
    """The job queued twice (a retry, or the timer firing again) must notify once."""
    from jobs.queue import enqueue
    from notifications.tasks import send_reminders

    for _ in range(2):
        enqueue(send_reminders)


def _assert_one_reminder(worker, subject):
    from notifications.models import Notification

    assert worker.returncode == 0, worker.stderr
    titles = sorted(n.title for n in Notification.objects.filter(recipient__username="member"))
    assert titles == [
        "Chỗ học của bạn tại lớp L-7 – Văn hóa công vụ đã được xác nhận",
        subject.removeprefix("[CongVu] "),
    ]
    assert worker.stdout.count("To: member@example.org") == 2, worker.stdout  # one e-mail each, not four


def test_reminders_go_out_once_on_the_database_backend(live_db, cast, tree, people, media_root):
    subject = _class_next_week(tree, people)
    _reminders_twice()
    live_db.push()
    worker = run_manage(
        ["db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"],
        worker_env(live_db, media_root, TASKS_BACKEND="database"),
    )
    live_db.pull()
    _assert_one_reminder(worker, subject)


def test_reminders_go_out_once_on_rq(live_db, rq_queue, cast, tree, people, media_root):
    subject = _class_next_week(tree, people)
    _reminders_twice()
    live_db.push()
    worker = run_manage(
        ["rqworker", rq_queue, "--burst"], worker_env(live_db, media_root, TASKS_BACKEND="rq", TASKS_QUEUE=rq_queue)
    )
    live_db.pull()
    _assert_one_reminder(worker, subject)
