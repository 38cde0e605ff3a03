import io

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from jobs import services
from jobs.exports import ProgressQuerySet
from jobs.models import ExportJob, ExportStatus
from staff.access import system_actor
from staff.models import RoleAssignment, Staff


def _rows(content: bytes):
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _start(client, django_capture_on_commit_callbacks, **filters):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("jobs:export-start"), {"kind": "staff_directory", **filters})


def test_background_export_has_the_same_rows_as_the_screen_export(
    login, cast, people, run_db_worker, django_capture_on_commit_callbacks
):
    client = login(cast["hr"])
    response = _start(client, django_capture_on_commit_callbacks, q="binh")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:export-detail", args=[job.pk])
    assert (job.owner, job.status, job.filters) == (cast["hr"], ExportStatus.QUEUED, {"q": ["binh"]})
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"], job.__class__.objects.get().task_id) == (
        "jobs.tasks.run_export",
        [job.pk],
        str(task.id),
    )

    run_db_worker()

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.filename[:14]) == (ExportStatus.DONE, 1, 1, "danh-ba-can-bo")
    download = client.get(reverse("jobs:export-download", args=[job.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="danh-ba-can-bo-')
    background = _rows(b"".join(download.streaming_content))
    screen = _rows(b"".join(client.get(reverse("staff:staff-export"), {"q": "binh"}).streaming_content))
    assert background == screen
    assert [r[1] for r in background] == ["Họ và tên", "Trần Thị Bình"]


def test_export_scope_is_the_owners(login, cast, people, run_db_worker, django_capture_on_commit_callbacks):
    _start(login(cast["hr"]), django_capture_on_commit_callbacks)
    run_db_worker()
    job = ExportJob.objects.get()
    content = login(cast["hr"]).get(reverse("jobs:export-download", args=[job.pk]))
    assert sorted(r[0] for r in _rows(b"".join(content.streaming_content))[1:]) == ["A001", "A002"]


def test_only_the_owner_can_see_or_download_an_export(
    login, cast, people, run_db_worker, django_capture_on_commit_callbacks
):
    _start(login(cast["hr"]), django_capture_on_commit_callbacks)
    run_db_worker()
    job = ExportJob.objects.get()
    client = login(cast["admin"])  # sees every unit, yet the file is the HR officer's
    for name in ("jobs:export-detail", "jobs:export-status", "jobs:export-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert list(client.get(reverse("jobs:export-list")).context["object_list"]) == []


def test_a_filter_outside_scope_is_refused_and_nothing_is_queued(login, cast, tree, django_capture_on_commit_callbacks):
    response = _start(login(cast["hr"]), django_capture_on_commit_callbacks, unit=tree["beta"].pk)
    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.content.decode()
    assert (ExportJob.objects.count(), DBTaskResult.objects.count()) == (0, 0)


def test_status_reports_rows_done_and_total(login, cast, people):
    job = ExportJob.objects.create(
        owner=cast["hr"], kind="staff_directory", status=ExportStatus.RUNNING, rows_total=2400, rows_done=1000
    )
    data = login(cast["hr"]).get(reverse("jobs:export-status", args=[job.pk])).json()
    assert data == {
        "id": job.pk,
        "status": "running",
        "status_label": "Đang chạy",
        "rows_done": 1000,
        "rows_total": 2400,
        "percent": 41,
        "text": "1000 / 2400 dòng",
        "finished": False,
        "download_url": None,
        "error": "",
    }


def test_progress_is_reported_every_500_rows_and_at_the_end(cast, tree):
    for i in range(1203):
        Staff(staff_code=f"P{i:05d}", full_name=f"Người {i}", unit=tree["alpha"], category="cong_chuc").save()
    seen = []
    wrapped = ProgressQuerySet(Staff.objects.filter(staff_code__startswith="P").order_by("pk"), seen.append)
    assert sum(1 for _ in wrapped.iterator(chunk_size=100)) == 1203
    assert seen == [500, 1000, 1203]
    seen.clear()
    values = wrapped.values_list("staff_code", flat=True)  # a derived queryset keeps reporting
    assert (len(list(values.iterator(chunk_size=100))), seen) == (1203, [500, 1000, 1203])


def test_a_large_export_records_progress_and_totals(cast, tree, django_capture_on_commit_callbacks, run_db_worker):
    Staff.objects.bulk_create(
        Staff(
            staff_code=f"L{i:05d}",
            full_name=f"Cán bộ {i}",
            search_name=f"can bo {i}",
            unit=tree["alpha1"],
            category="cong_chuc",
        )
        for i in range(2500)
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_start(actor=cast["hr"], kind="staff_directory", filters={})
    run_db_worker()
    job.refresh_from_db()
    # 2,500 new people plus An and Bình of the cast, all in the HR officer's Sở Alpha.
    assert (job.status, job.rows_done, job.rows_total, job.percent) == (ExportStatus.DONE, 2502, 2502, 100)
    with job.file.open("rb") as handle:
        assert len(_rows(handle.read())) == 2503


def test_running_an_export_again_does_not_rebuild_it(cast, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.export_start(actor=cast["hr"], kind="staff_directory", filters={})
    assert services.export_run(job_id=job.pk) == {"status": "done", "rows": 2}
    first = ExportJob.objects.get().file.name
    assert services.export_run(job_id=job.pk) == {"status": "done", "rows": 2}
    job.refresh_from_db()
    assert (job.file.name, job.attempts) == (first, 1)


def test_an_export_fails_visibly_when_the_owner_lost_the_permission(cast, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.export_start(actor=cast["hr"], kind="staff_directory", filters={})
    RoleAssignment.objects.filter(user=cast["hr"]).delete()
    cast["hr"].refresh_from_db()
    with pytest.raises(PermissionError):
        services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, bool(job.file)) == (
        ExportStatus.FAILED,
        "Bạn không còn quyền thực hiện bản xuất này.",
        False,
    )


def test_no_more_than_three_exports_at_once(cast, people, django_capture_on_commit_callbacks):
    for _ in range(3):
        services.export_start(actor=cast["hr"], kind="staff_directory", filters={})
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.export_start(actor=cast["hr"], kind="staff_directory", filters={})
    assert error.value.messages == ["Bạn đang có 3 bản xuất chưa xong; hãy chờ một bản xuất xong."]


def test_staff_member_exports_only_their_own_record(cast, people, run_db_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_start(actor=cast["member"], kind="staff_directory", filters={})
    run_db_worker()
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        assert [r[0] for r in _rows(handle.read())[1:]] == ["A002"]


def test_start_screen_prefills_the_list_filters(login, cast, people):
    response = login(cast["hr"]).get(reverse("jobs:export-start"), {"kind": "staff_directory", "q": "binh"})
    assert response.status_code == 200
    assert response.context["filter"].form["q"].value() == "binh"
    assert 'name="kind" value="staff_directory"' in response.content.decode()


def test_unknown_export_kind_is_not_found(login, cast):
    assert login(cast["hr"]).get(reverse("jobs:export-start"), {"kind": "nope"}).status_code == 404


def test_prune_removes_old_exports_and_their_files(cast, people, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    job = services.export_start(actor=cast["hr"], kind="staff_directory", filters={})
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    path = job.file.path
    assert services.export_prune(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert services.export_prune(now=timezone.now() + dt.timedelta(days=8)) == 1
    import os

    assert (ExportJob.objects.count(), os.path.exists(path)) == (0, False)


def test_dashboard_card_counts_exports_in_progress(login, cast, people):
    ExportJob.objects.create(owner=cast["hr"], kind="staff_directory")
    ExportJob.objects.create(owner=cast["hr"], kind="staff_directory", status=ExportStatus.DONE)
    from jobs.dashboard import cards

    assert [(c["title"], c["value"]) for c in cards(cast["hr"])] == [("Bản xuất của tôi", 1)]
    assert cards(cast["nobody"]) == []


def test_member_without_unit_role_can_still_use_my_exports(login, cast):
    assert login(cast["member"]).get(reverse("jobs:export-list")).status_code == 200


def test_findings_register_in_the_background_matches_the_screen_export(
    login, cast, tree, run_db_worker, django_capture_on_commit_callbacks
):
    import datetime as dt

    from inspections import services as inspection_services
    from tests.inspections.conftest import GOOD_ANSWERS, fill, make_checklist

    plan = inspection_services.plan_create(actor=system_actor(), year=2026, name="Kế hoạch 2026", unit=tree["province"])
    assignment = inspection_services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=make_checklist(),
        due_date=dt.date(2026, 6, 30),
        lead=cast["inspector"],
    )
    answers = [a if a.item != "I1" else type(a)("I1", "no", note="Không đeo thẻ") for a in GOOD_ANSWERS]
    finding = fill(assignment, answers).findings.get()
    inspection_services.action_create(
        actor=system_actor(), finding=finding, description="Đeo thẻ", due_date=dt.date(2026, 7, 1)
    )
    client = login(cast["inspector"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:export-start"), {"kind": "findings_register"})
    run_db_worker()
    job = ExportJob.objects.get()
    assert (job.status, job.rows_done, job.rows_total) == (ExportStatus.DONE, 1, 1)
    background = _rows(b"".join(client.get(reverse("jobs:export-download", args=[job.pk])).streaming_content))
    screen = _rows(b"".join(client.get(reverse("inspections:finding-export")).streaming_content))
    assert background == screen
    assert [r[7] for r in background] == ["Biện pháp khắc phục", "Đeo thẻ"]
    # The status filter (computed from the actions, not from the screen's per-row state) gives the same rows.
    for state, expected in (("open", 1), ("no_action", 0)):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("jobs:export-start"), {"kind": "findings_register", "state": state})
        run_db_worker()
        job = ExportJob.objects.latest("pk")
        assert (job.status, job.rows_total) == (ExportStatus.DONE, expected), state
        background = _rows(b"".join(client.get(reverse("jobs:export-download", args=[job.pk])).streaming_content))
        screen = _rows(b"".join(client.get(reverse("inspections:finding-export"), {"state": state}).streaming_content))
        assert background == screen, state
    # The HR officer has no inspection permission: the kind is not offered and cannot be started.
    assert login(cast["hr"]).get(reverse("jobs:export-start"), {"kind": "findings_register"}).status_code == 404


def test_my_exports_page_costs_the_same_queries_for_5_or_25_rows(login, cast, django_assert_num_queries):
    client = login(cast["hr"])
    for size in (5, 25):
        ExportJob.objects.all().delete()
        ExportJob.objects.bulk_create(ExportJob(owner=cast["hr"], kind="staff_directory") for _ in range(size))
        client.get(reverse("jobs:export-list"))  # warm the session and grants
        with django_assert_num_queries(5):
            response = client.get(reverse("jobs:export-list"), {"page_size": size})
        assert len(response.context["object_list"]) == size


def test_each_app_declares_its_own_background_exports():
    from jobs.registry import EXPORTS

    assert {key: kind.list_url.split(":")[0] for key, kind in EXPORTS.items()} == {
        "staff_directory": "staff",
        "findings_register": "inspections",
        "attendance_records": "training",
        "document_training_report": "documents",
        "document_inspection_report": "documents",
    }
    assert {kind.filterset.__module__ for kind in EXPORTS.values()} == {
        "staff.jobs_exports",
        "inspections.jobs_exports",
        "training.jobs_exports",
        "documents.jobs_exports",
    }
