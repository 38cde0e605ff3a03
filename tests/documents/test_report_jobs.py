"""Whole-province reports as background jobs with progress, like the Excel exports."""

import datetime as dt
import io

from django.urls import reverse
from docx import Document as Docx

from jobs.models import ExportJob, ExportStatus
from tests.training.scope_cases import _world as training_world

YEAR = dt.date.today().year


def test_training_report_of_the_province_runs_in_the_background(
    login,
    cast,
    tree,
    people,
    run_db_worker,
    media_root,
    django_capture_on_commit_callbacks,
):
    training_world({"cast": cast, "tree": tree, "people": people})
    client = login(cast["admin"])
    form = client.get(
        reverse("jobs:export-start"), {"kind": "document_training_report", "unit": "TINH", "period": YEAR}
    )
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("jobs:export-start"), {"kind": "document_training_report", "unit": "TINH", "period": str(YEAR)}
        )
    assert started.status_code == 302
    run_db_worker()
    job = ExportJob.objects.get()
    assert (job.status, job.rows_done, job.rows_total) == (ExportStatus.DONE, 6, 6)  # the province's six units
    download = client.get(reverse("jobs:export-download", args=[job.pk]))
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    doc = Docx(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "lượt học viên hoàn thành: 2/20" in text  # Alpha's and Beta's learner


def test_report_job_for_a_unit_outside_scope_is_refused(login, cast, tree, people):
    client = login(cast["hr"])
    response = client.post(
        reverse("jobs:export-start"), {"kind": "document_training_report", "unit": "BETA", "period": str(YEAR)}
    )
    assert response.status_code == 400 and not ExportJob.objects.exists()
