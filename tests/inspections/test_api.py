"""The REST API: offline sync of inspections (replay, 409, concurrency), If-Match edits (412/428),
one-request 60-item submission with constant queries, resumable photo uploads, the offline bundle."""

import datetime as dt
import hashlib
import io
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from PIL import Image

from core.audit import _audited
from inspections import services
from inspections.models import Answer, EvidenceBlob, Inspection, InspectionStatus
from inspections.services import ItemSpec, SectionSpec, sync
from staff.access import system_actor
from tests.inspections.conftest import fill, make_checklist

URL = "/api/v1/inspections/"


def _body(assignment, **extra):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "assignment": assignment.pk,
        "inspected_on": "2026-05-04",
        "submit": True,
        "answers": [
            {"item": "I1", "value": "yes"},
            {"item": "I2", "value": "yes"},
            {"item": "I3", "value": "3"},
            {"item": "I4", "value": "80"},
            {"item": "I5", "value": "7"},
        ],
    }
    body.update(extra)
    return body


def _png(size=(64, 48), color="red", fmt="PNG"):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------- sync
def test_submit_creates_then_replay_answers_the_same_body(assignment, team, api):
    client = api(team["lead"])
    body = _body(assignment)
    first = client.post(URL, body, format="json")
    assert first.status_code == 201
    assert first.json()["status"] == "submitted"
    assert first.json()["total_percent"] == "91.25"  # 2 + 3 + 1.5 + 0.8 of 8
    assert first["ETag"] == '"1"'
    again = client.post(URL, {**body, "client_saved_at": "2026-05-04T10:00:00"}, format="json")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Inspection.objects.count() == 1
    assert Answer.objects.count() == 5


def test_same_uuid_with_different_content_is_409_with_the_current_record(assignment, team, api):
    client = api(team["lead"])
    body = _body(assignment)
    client.post(URL, body, format="json")
    changed = {**body, "answers": [*body["answers"][:-1], {"item": "I5", "value": "8"}]}
    response = client.post(URL, changed, format="json")
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "conflict"
    assert data["detail"] == "Phiếu này đã được gửi với nội dung khác."
    assert data["current"]["client_uuid"] == body["client_uuid"]
    assert Answer.objects.get(item__code="I5").value == "7"


def test_a_second_device_on_the_same_assignment_is_409(assignment, team, api):
    api(team["lead"]).post(URL, _body(assignment), format="json")
    response = api(team["member"]).post(URL, _body(assignment), format="json")
    assert response.status_code == 409
    assert Inspection.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_three_concurrent_replays_make_exactly_one_inspection(tree, cast, api):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory SQLite uses shared-cache table locks; run with SQLITE_TEST_NAME=/tmp/t.sqlite3")
    version = make_checklist()
    plan = services.plan_create(actor=system_actor(), year=2026, name="P", unit=tree["province"])
    assignment = services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=version,
        due_date=dt.date(2026, 6, 30),
        lead=cast["inspector"],
    )
    body = _body(assignment)
    results, barrier = [], threading.Barrier(3)

    def send():
        try:
            barrier.wait()
            response = api(cast["inspector"]).post(URL, body, format="json")
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == [200, 200, 201]
    assert results[0][1] == results[1][1] == results[2][1]
    assert Inspection.objects.count() == 1
    assert Answer.objects.count() == 5


def test_a_replay_that_lands_while_the_first_send_is_being_checked_answers_200_not_409(
    assignment, team, api, monkeypatch
):
    """CI once saw [201, 409, 409] for three concurrent sends of one body: a send that found no record
    under its uuid, then found the assignment filled (by its own twin, committed in between), took it
    for another device's record. Here the twin commits while the first send checks the assignment."""
    body = _body(assignment)
    client = api(team["lead"])
    twin, can_fill = {}, sync.can_fill

    def twin_commits_meanwhile(*, user, assignment):
        if "sent" not in twin:
            twin["sent"] = True
            twin[0] = client.post(URL, body, format="json")
        return can_fill(user=user, assignment=assignment)

    monkeypatch.setattr(sync, "can_fill", twin_commits_meanwhile)
    response = client.post(URL, body, format="json")
    assert twin[0].status_code == 201
    assert response.status_code == 200
    assert response.json() == twin[0].json()
    assert Inspection.objects.count() == 1
    assert Answer.objects.count() == 5


def test_filling_an_assignment_that_is_not_yours_is_refused_and_writes_nothing(assignment, team, cast, api):
    # The stranger cannot even see the assignment: 404.
    response = api(team["stranger"]).post(URL, _body(assignment), format="json")
    assert response.status_code == 404
    # The province administrator sees it (scope) but is not on the team: 403 with a reason.
    response = api(cast["admin"]).post(URL, _body(assignment), format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Phiếu này không được giao cho bạn."
    assert not Inspection.objects.exists()


def test_corrupt_payload_is_400_with_field_errors(assignment, team, api):
    response = api(team["lead"]).post(
        URL, {"client_uuid": "nope", "assignment": assignment.pk, "answers": "x"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"client_uuid", "answers"}
    assert not Inspection.objects.exists()


def test_bad_answers_are_all_reported_in_vietnamese_and_nothing_is_written(assignment, team, api):
    body = _body(
        assignment,
        answers=[
            {"item": "ZZ-99", "value": "yes"},
            {"item": "I1", "value": "maybe"},
            {"item": "I3", "value": "7"},
            {"item": "I4", "value": "120"},
        ],
    )
    response = api(team["lead"]).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "answers": [
            "Tiêu chí ZZ-99 không có trong phiên bản 1 của phiếu này.",
            "Tiêu chí I1 (Có / không / không áp dụng): Trả lời “yes”, “no” hoặc “na”, không phải “maybe”.",
            "Tiêu chí I3 (Thang điểm 0–4): Trả lời một số nguyên từ 0 đến 4, không phải “7”.",
            "Tiêu chí I4 (Tỷ lệ phần trăm): Tỷ lệ phần trăm nằm trong khoảng 0 đến 100, không phải “120”.",
        ]
    }
    assert not Inspection.objects.exists()


def test_missing_required_items_are_all_listed_at_submit(assignment, team, api):
    body = _body(assignment, answers=[{"item": "I1", "value": "no"}, {"item": "I3", "value": "2"}])
    response = api(team["lead"]).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "missing": [
            "I1 – Đeo thẻ: cần ghi chú khi tiêu chí không đạt.",
            "I2 – Không uống rượu: chưa trả lời.",
            "I4 – Tỷ lệ đúng hạn: chưa trả lời.",
            "I5 – Số hồ sơ: chưa trả lời.",
        ]
    }
    assert not Inspection.objects.exists()
    draft = api(team["lead"]).post(URL, {**body, "submit": False}, format="json")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"


# -------------------------------------------------------------------------------- If-Match edits
def test_edit_needs_if_match_428_and_a_stale_one_is_412(assignment, team, api):
    client = api(team["lead"])
    created = client.post(URL, _body(assignment, submit=False), format="json").json()
    url = f"{URL}{created['id']}/"
    patch = {"answers": [{"item": "I5", "value": "9"}]}
    assert client.patch(url, patch, format="json").status_code == 428
    stale = client.patch(url, patch, format="json", HTTP_IF_MATCH='"7"')
    assert stale.status_code == 412
    assert stale.json()["current"]["version"] == 1
    ok = client.patch(url, patch, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
    assert {a["item"]: a["value"] for a in ok.json()["answers"]}["I5"] == "9"
    assert len(ok.json()["answers"]) == 5  # PATCH keeps the answers it does not mention
    assert client.patch(url, patch, format="json", HTTP_IF_MATCH='"1"').status_code == 412


def test_editing_a_locked_inspection_is_refused(assignment, team, api):
    inspection = fill(assignment)
    response = api(team["lead"]).patch(
        f"{URL}{inspection.pk}/",
        {"answers": [{"item": "I5", "value": "1"}]},
        format="json",
        HTTP_IF_MATCH=f'"{inspection.version}"',
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": ["Phiếu kiểm tra này đã được phê duyệt và khóa; chỉ có thể thay đổi bằng một lần đính chính."]
    }
    assert Answer.objects.get(item__code="I5").value == "12"


def test_lead_approves_and_amends_with_a_reason_through_the_api(assignment, team, api):
    inspection = fill(assignment, approve=False)
    member = api(team["member"]).post(f"{URL}{inspection.pk}/approve/", {}, format="json")
    assert member.status_code == 400  # only the lead reviews
    lead = api(team["lead"])
    approved = lead.post(f"{URL}{inspection.pk}/approve/", {"comment": "Đạt"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    version = approved["ETag"]
    amended = lead.post(
        f"{URL}{inspection.pk}/amend/",
        {"reason": "Sai sót khi nhập", "answers": [{"item": "I3", "value": "2"}]},
        format="json",
        HTTP_IF_MATCH=version,
    )
    assert amended.status_code == 201
    assert amended.json()["before"]["answers"]["I3"]["value"] == "4"
    assert amended.json()["after"]["answers"]["I3"]["value"] == "2"
    assert amended.json()["after"]["total_percent"] == "87.50"
    versions = lead.get(f"{URL}{inspection.pk}/versions/").json()
    assert [v["number"] for v in versions] == [1]


# ------------------------------------------------------------------------------- 60-item submit
def _sixty_items(tree, cast):
    template = services.template_create(
        actor=system_actor(), code="BIG-60", name_vi="Phiếu 60 tiêu chí", kind="discipline"
    )
    version = template.versions.get()
    sections = [
        SectionSpec(
            code=f"S{s}",
            title_vi=f"Phần {s}",
            items=[
                ItemSpec(code=f"B{s}-{i:02d}", text_vi=f"Tiêu chí {s}.{i}", answer_type="yes_no_na", weight=1 + i % 3)
                for i in range(1, 11)
            ],
        )
        for s in range(1, 7)
    ]
    services.version_set_content(actor=system_actor(), version=version, sections=sections)
    version = services.version_publish(actor=system_actor(), version=version)
    plan = services.plan_create(actor=system_actor(), year=2026, name="P60", unit=tree["province"])
    return services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=version,
        due_date=dt.date(2026, 6, 30),
        lead=cast["inspector"],
    )


def _submit_queries():
    """16 queries (one read asks whether the uuid was sent or the assignment filled; one is the lock on
    the assignment row that serialises concurrent syncs); 4 more when the audit trail records
    inspections (one history row for the new inspection, one bulk insert for the answers' history, one
    per later save of the inspection)."""
    return 16 + (4 if _audited(Inspection) else 0)


SUBMIT_QUERIES = _submit_queries()


def test_submitting_60_items_is_one_request_with_constant_queries(tree, cast, api, django_assert_num_queries):
    assignment = _sixty_items(tree, cast)
    answers = [
        {"item": f"B{s}-{i:02d}", "value": "no" if i == 1 else "yes", "note": "x" if i == 1 else ""}
        for s in range(1, 7)
        for i in range(1, 11)
    ]
    client = api(cast["inspector"])
    with django_assert_num_queries(SUBMIT_QUERIES):
        response = client.post(URL, _body(assignment, answers=answers), format="json")
    assert response.status_code == 201
    assert Answer.objects.filter(inspection_id=response.json()["id"]).count() == 60
    assert response.json()["answered"] == 60


def test_a_smaller_submission_takes_the_same_number_of_queries(assignment, team, api, django_assert_num_queries):
    with django_assert_num_queries(SUBMIT_QUERIES):
        response = api(team["lead"]).post(URL, _body(assignment), format="json")
    assert response.status_code == 201


# ---------------------------------------------------------------------------------- photo upload
def _upload_url(sha):
    return reverse("evidence-upload-detail", kwargs={"sha256": sha})


def test_upload_resumes_after_a_partial_chunk(team, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = _png((2400, 1200), "green", "JPEG")
    sha = hashlib.sha256(data).hexdigest()
    client = api(team["lead"])
    assert client.head(_upload_url(sha)).status_code == 404  # nothing held yet: the client starts at byte 0
    half = len(data) // 2
    first = client.put(
        _upload_url(sha),
        data[:half],
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes 0-{half - 1}/{len(data)}",
    )
    assert first.status_code == 202
    assert client.head(_upload_url(sha))["Upload-Offset"] == str(half)
    # A retry that skips ahead is told where to resume.
    wrong = client.put(
        _upload_url(sha),
        data[half + 10 :],
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {half + 10}-{len(data) - 1}/{len(data)}",
    )
    assert wrong.status_code == 409 and wrong["Upload-Offset"] == str(half)
    rest = client.put(
        _upload_url(sha),
        data[half:],
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {half}-{len(data) - 1}/{len(data)}",
    )
    assert rest.status_code == 201
    blob = EvidenceBlob.objects.get(sha256=sha)
    assert (blob.width, blob.height, blob.original_size) == (1600, 800, len(data))
    with Image.open(blob.file.path) as stored:
        assert stored.size == (1600, 800)
    head = client.head(_upload_url(sha))
    assert (head["Upload-Offset"], head["Upload-Complete"]) == (str(len(data)), "?1")


def test_an_existing_blob_answers_at_once_and_is_not_stored_twice(team, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = _png()
    sha = hashlib.sha256(data).hexdigest()
    assert api(team["lead"]).put(_upload_url(sha), data, content_type="application/octet-stream").status_code == 201
    # Another uploader of the very same bytes gets the stored photo at once; an empty PUT would not tell
    # someone who cannot see the photo that it exists (tests/hardening/test_evidence_files.py).
    again = api(team["member"]).put(_upload_url(sha), data, content_type="application/octet-stream")
    assert again.status_code == 201  # their upload, answered at once from the stored photo
    assert again.json()["sha256"] == sha
    assert EvidenceBlob.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an image at all", "Tệp không phải là ảnh (JPEG, PNG hoặc WebP)."),
        (None, "Ảnh quá lớn để mở an toàn."),
    ],
)
def test_bad_images_are_refused_with_a_message(team, api, settings, tmp_path, data, message):
    settings.MEDIA_ROOT = tmp_path
    if data is None:  # a decompression bomb: tiny file, huge canvas
        buf = io.BytesIO()
        Image.new("1", (20000, 20000)).save(buf, "PNG")
        data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    response = api(team["lead"]).put(_upload_url(sha), data, content_type="application/octet-stream")
    assert response.status_code == 400
    assert response.json()["detail"] == message
    assert not EvidenceBlob.objects.exists()


def test_a_hash_that_does_not_match_the_bytes_is_refused(team, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = api(team["lead"]).put(_upload_url("0" * 64), _png(), content_type="application/octet-stream")
    assert response.status_code == 400
    assert response.json()["code"] == "hash_mismatch"


def test_a_too_large_photo_is_refused_before_it_is_stored(team, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 1000
    data = _png((200, 200), "white", "JPEG") + b"\0" * 1000
    sha = hashlib.sha256(data).hexdigest()
    response = api(team["lead"]).put(
        _upload_url(sha),
        data[:500],
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes 0-499/{len(data)}",
    )
    assert response.status_code == 413
    assert not EvidenceBlob.objects.exists()


def test_answers_reference_photos_by_hash(assignment, team, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = _png()
    sha = hashlib.sha256(data).hexdigest()
    client = api(team["lead"])
    client.put(_upload_url(sha), data, content_type="application/octet-stream")
    body = _body(assignment, answers=[*_body(assignment)["answers"], {"item": "I7", "evidence": [sha]}])
    response = client.post(URL, body, format="json")
    assert response.status_code == 201
    detail = client.get(f"{URL}{response.json()['id']}/").json()
    assert {a["item"]: a["evidence"] for a in detail["answers"]}["I7"] == [sha]


def test_an_answer_naming_a_photo_never_uploaded_is_refused(assignment, team, api):
    body = _body(assignment, answers=[{"item": "I7", "evidence": ["a" * 64]}], submit=False)
    response = api(team["lead"]).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"answers": ["Ảnh aaaaaaaaaaaa chưa được tải lên."]}
    assert not Inspection.objects.exists()


# ---------------------------------------------------------------------------------- offline bundle
BUNDLE_QUERIES = 6  # assignments, members, sections, items, open actions, last results


def test_my_assignments_bundle_has_everything_needed_offline(
    assignment, self_assignment, team, tree, checklist, api, django_assert_num_queries
):
    earlier_plan = services.plan_create(actor=system_actor(), year=2025, name="2025", unit=tree["province"])
    earlier = services.assignment_create(
        actor=system_actor(),
        plan=earlier_plan,
        unit=tree["gamma_office"],
        template_version=checklist,
        due_date=dt.date(2025, 6, 30),
        lead=team["member"],
    )
    done = fill(
        earlier,
        [
            services.AnswerInput("I1", "no", note="x"),
            *[services.AnswerInput(c, v) for c, v in (("I2", "yes"), ("I3", "4"), ("I4", "100"), ("I5", "1"))],
        ],
        on=dt.date(2025, 5, 1),
    )
    services.action_create(
        actor=team["member"], finding=done.findings.get(), description="Đeo thẻ", due_date=dt.date(2025, 8, 1)
    )
    with django_assert_num_queries(BUNDLE_QUERIES):
        response = api(team["lead"]).get("/api/v1/my-assignments/")
    data = response.json()
    assert data["count"] == 1
    entry = data["results"][0]
    assert entry["unit"]["code"] == "GAMMA-VP"
    assert [s["code"] for s in entry["template_version"]["sections"]] == ["S1", "S2"]
    assert [i["code"] for i in entry["template_version"]["sections"][0]["items"]] == ["I1", "I2", "I3"]
    assert entry["open_actions"][0]["overdue"] is True
    assert entry["last_result"]["total_percent"] == "75.00"
    assert entry["inspection"] is None
    # More assignments (one with a draft), same number of queries.
    for unit in (tree["alpha"], tree["beta"]):
        more = services.assignment_create(
            actor=system_actor(),
            plan=earlier_plan,
            unit=unit,
            template_version=checklist,
            due_date=dt.date(2026, 9, 30),
            lead=team["lead"],
        )
    fill(more, submit=False)
    with django_assert_num_queries(BUNDLE_QUERIES + 2):  # + answers and their evidence of the draft
        response = api(team["lead"]).get("/api/v1/my-assignments/")
    assert response.json()["count"] == 3
    assert len(response.json()["results"][2]["inspection"]["answers"]) == 5


def test_review_state_is_visible_in_the_list_filters(assignment, self_assignment, team, cast, api):
    fill(assignment)
    fill(self_assignment, approve=False)
    response = api(cast["admin"]).get(URL, {"self": "true"})
    assert [r["status"] for r in response.json()["results"]] == [InspectionStatus.SUBMITTED]


# ------------------------------------------------------------------------------------ templates
def test_creating_a_template_without_kind_is_a_400_naming_the_field(cast, api):
    client = api(cast["admin"])
    response = client.post("/api/v1/checklist-templates/", {"code": "NEW-1", "name_vi": "Phiếu mới"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()
    ok = client.post(
        "/api/v1/checklist-templates/", {"code": "NEW-1", "name_vi": "Phiếu mới", "kind": "discipline"}, format="json"
    )
    assert ok.status_code == 201
    assert ok.json()["kind"] == "discipline"
    assert (ok.json()["draft_version"], ok.json()["published_version"]) == (1, None)
