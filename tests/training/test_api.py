import threading
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staff.access import forget_grants, system_actor
from tests.factories import make_staff
from tests.training.conftest import make_class
from training import selectors, services
from training.api.serializers import TrainingClassSerializer
from training.models import Attendance, AttendanceSubmission, Enrollment


def _people(unit, n, prefix="P"):
    return [make_staff(unit, f"Học viên {prefix}{i:04d}", code=f"{prefix}{i:04d}") for i in range(n)]


def _class_with(course, unit, n, code="L-API"):
    cls = make_class(course, unit, code=code, capacity=max(n, 1))
    enrollments = services.enrollment_nominate_many(
        actor=system_actor(), training_class=cls, staff_list=_people(unit, n, code)
    ).enrollments
    return cls, enrollments


def _statements(ctx) -> int:
    return len([q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))])


def _put(client, session, body, version):
    return client.put(f"/api/v1/sessions/{session.pk}/attendance/", body, format="json", HTTP_IF_MATCH=f'"{version}"')


def _sqlite_splits(n: int) -> int:
    """Extra INSERT statements SQLite needs for n marks (and their audit rows) because Django caps a statement at
    999 parameters there; PostgreSQL sends one statement each."""
    if connection.vendor != "sqlite":
        return 0
    extra = 0
    models = [Attendance]
    history = getattr(Attendance, "history", None)
    if history is not None:
        models.append(history.model)
    for model in models:
        fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField"))
        ]
        size = connection.ops.bulk_batch_size(fields, [None] * n)
        extra += -(-n // size) - 1
    return extra


def _roll_call_statements(course, tree, cast, api, size, code):
    cls, enrollments = _class_with(course, tree["alpha"], size, code=code)
    session = cls.sessions.first()
    marks = [{"enrollment": e.pk, "status": "present"} for e in enrollments]
    marks[0] = {"enrollment": enrollments[0].pk, "status": "late", "minutes": 200}
    client = api(cast["hr"])
    forget_grants(cast["hr"])
    with CaptureQueriesContext(connection) as first:
        response = _put(client, session, {"client_uuid": str(uuid.uuid4()), "marks": marks}, 0)
    assert response.status_code == 200, response.json()
    assert response["ETag"] == '"1"'
    assert Attendance.objects.filter(session=session).count() == size
    marks[1] = {"enrollment": enrollments[1].pk, "status": "unexcused"}
    forget_grants(cast["hr"])
    with CaptureQueriesContext(connection) as second:
        response = _put(client, session, {"client_uuid": str(uuid.uuid4()), "marks": marks}, 1)
    assert response.status_code == 200
    assert response.json()["marks"][1] == {"enrollment": enrollments[1].pk, "status": "unexcused", "minutes": 0}
    return _statements(first), _statements(second)


def test_attendance_for_a_whole_session_is_one_request_with_constant_queries(course, tree, cast, api):
    """Statements sent to the database, without the test transaction's SAVEPOINT/RELEASE (BEGIN/COMMIT in
    production): grants, locked session, submission look-up, roster with marks, insert marks (+ their audit rows),
    attendance version (+ its audit row), submission; a re-save with one change updates that mark and keeps its
    change. The same at 20 and at 200 people (SQLite only splits long INSERTs at its parameter limit)."""
    small = _roll_call_statements(course, tree, cast, api, 20, "L-20")
    big = _roll_call_statements(course, tree, cast, api, 200, "L-200")
    assert small[0] <= 10 and small[1] <= 10
    assert big == (small[0] + _sqlite_splits(200), small[1])
    assert big[0] <= 10


def test_attendance_sync_protocol_409_412_428(klass, people, cast, api):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    session = klass.sessions.first()
    client = api(cast["hr"])
    key = str(uuid.uuid4())
    body = {"client_uuid": key, "marks": [{"enrollment": e.pk, "status": "present"}]}
    assert client.put(f"/api/v1/sessions/{session.pk}/attendance/", body, format="json").status_code == 428
    first = _put(client, session, body, 0)
    assert first.status_code == 200
    replay = _put(client, session, body, 0)
    assert (replay.status_code, replay.json()) == (200, first.json())
    conflict = _put(client, session, {"client_uuid": key, "marks": [{"enrollment": e.pk, "status": "late"}]}, 0)
    assert conflict.status_code == 409
    assert conflict.json() == {
        "code": "conflict",
        "detail": "Lượt gửi này đã được nhận trước đó với nội dung khác.",
        "current": {
            "session": session.pk,
            "version": 1,
            "planned_minutes": 240,
            "marks": [{"enrollment": e.pk, "status": "present", "minutes": 240}],
        },
    }
    stale = _put(client, session, {"client_uuid": str(uuid.uuid4()), "marks": body["marks"]}, 0)
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale" and stale.json()["current"]["version"] == 1
    assert AttendanceSubmission.objects.count() == 1


def test_attendance_uuid_of_another_user_is_refused(klass, people, cast, api):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    session = klass.sessions.first()
    key = str(uuid.uuid4())
    body = {"client_uuid": key, "marks": [{"enrollment": e.pk, "status": "present"}]}
    assert _put(api(cast["hr"]), session, body, 0).status_code == 200
    klass.trainer_users.add(cast["member"])
    response = _put(api(cast["member"]), session, body, 1)
    assert response.status_code == 403
    assert response.json()["detail"] == "Lượt gửi này thuộc người dùng khác hoặc buổi học khác."


def test_attendance_bad_input_is_400_and_writes_nothing(klass, people, cast, api):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    session = klass.sessions.first()
    response = _put(api(cast["hr"]), session, {"marks": [{"enrollment": e.pk, "status": "asleep"}]}, 0)
    assert response.status_code == 400
    assert response.json() == {"marks": ["Dòng 1: “asleep” không phải là một trạng thái điểm danh."]}
    assert not Attendance.objects.exists()


def test_attendance_outside_scope_is_404(klass, people, cast, api):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    response = _put(
        api(cast["outsider_hr"]), klass.sessions.first(), {"marks": [{"enrollment": e.pk, "status": "present"}]}, 0
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_write_exactly_one_submission(klass, people, cast, api):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks whole tables between threads; run on PostgreSQL")
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    session = klass.sessions.first()
    body = {"client_uuid": str(uuid.uuid4()), "marks": [{"enrollment": e.pk, "status": "present"}]}
    results, barrier = [], threading.Barrier(3)

    def send():
        try:
            barrier.wait()
            response = _put(api(cast["hr"]), session, body, 0)
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r[0] for r in results] == [200, 200, 200]
    assert results[0][1] == results[1][1] == results[2][1]
    assert AttendanceSubmission.objects.count() == 1
    assert Attendance.objects.count() == 1
    session.refresh_from_db()
    assert session.attendance_version == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_taking_the_last_seat_exactly_one_gets_it(course, tree, people, cast):
    if connection.vendor == "sqlite":
        pytest.skip("needs row locks (select_for_update), which SQLite does not have; run on PostgreSQL")
    cls = make_class(course, tree["alpha"], capacity=1, code="L-LAST")
    second_hr = cast["admin"]
    outcomes, barrier = [], threading.Barrier(2)

    def take(actor, person):
        try:
            barrier.wait()
            result = services.enrollment_nominate(actor=actor, training_class=cls, staff=person)
            outcomes.append(result.enrollments[0].status)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=take, args=(cast["hr"], people["an"])),
        threading.Thread(target=take, args=(second_hr, people["binh"])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["confirmed", "waitlisted"]
    assert Enrollment.objects.filter(training_class=cls, status="confirmed").count() == 1


def test_class_list_and_detail_give_the_json_of_the_declared_fields(klass, tree, cast, api):
    services.enrollment_nominate_many(
        actor=system_actor(), training_class=klass, staff_list=_people(tree["alpha1"], 2, "J")
    )
    instance = selectors.class_list(user=cast["hr"]).get(pk=klass.pk)
    generic = dict(TrainingClassSerializer(instance).data)
    client = api(cast["hr"])
    listed = [row for row in client.get("/api/v1/classes/").json()["results"] if row["id"] == klass.pk]
    assert listed == [generic]
    assert client.get(f"/api/v1/classes/{klass.pk}/").json() == generic
    assert (generic["confirmed_count"], generic["waitlist_count"]) == (2, 0)


def test_class_patch_needs_if_match_and_refuses_stale(klass, cast, api):
    client = api(cast["hr"])
    detail = client.get(f"/api/v1/classes/{klass.pk}/")
    etag = detail["ETag"]
    assert client.patch(f"/api/v1/classes/{klass.pk}/", {"venue": "Hội trường A"}, format="json").status_code == 428
    ok = client.patch(f"/api/v1/classes/{klass.pk}/", {"venue": "Hội trường A"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok.json()["venue"] == "Hội trường A"
    stale = client.patch(f"/api/v1/classes/{klass.pk}/", {"venue": "Hội trường B"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale.json()["venue"] == "Hội trường A"


def test_api_nominate_by_list_and_waitlist(klass, tree, cast, api):
    klass.capacity = 1
    klass.save()
    a, b = _people(tree["alpha1"], 2, "N")
    response = api(cast["hr"]).post(f"/api/v1/classes/{klass.pk}/nominate/", {"staff": [a.pk, b.pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["confirmed"], response.json()["waitlisted"]) == (1, 1)
    refused = api(cast["hr"]).post(f"/api/v1/classes/{klass.pk}/nominate/", {"staff": [a.pk]}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"detail": ["Học viên N0000 (N0000) đã có tên trong lớp này (Đã xác nhận)."]}


def test_api_lists_are_scoped_and_filtered(klass, course, tree, people, cast, api):
    make_class(course, tree["beta"], code="L-BETA")
    services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"])
    hr = api(cast["hr"])
    assert [c["code"] for c in hr.get("/api/v1/classes/").json()["results"]] == ["L-001"]
    assert [c["code"] for c in api(cast["outsider_hr"]).get("/api/v1/classes/").json()["results"]] == ["L-BETA"]
    assert hr.get("/api/v1/classes/", {"unit": tree["beta"].pk}).status_code == 400
    assert [e["staff_code"] for e in hr.get("/api/v1/enrollments/", {"status": "confirmed"}).json()["results"]] == [
        "A001"
    ]
    assert hr.get("/api/v1/enrollments/", {"outcome": "completed"}).json()["count"] == 0
    assert [c["code"] for c in hr.get("/api/v1/courses/").json()["results"]] == ["VHCV-01"]
    assert api(cast["outsider_hr"]).get("/api/v1/courses/").json()["count"] == 0
    assert len(hr.get("/api/v1/sessions/", {"training_class": klass.pk}).json()["results"]) == 3


def test_api_training_hours_and_certificates(klass, people, cast, api):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    external = services.external_record(
        actor=cast["hr"],
        staff=people["an"],
        title="Kỹ năng số",
        provider="Học viện Hành chính",
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 2),
        periods=8,
        minutes=360,
        evidence=SimpleUploadedFile("giay-chung-nhan.pdf", b"%PDF-1.4 test\n%%EOF\n"),
    )
    services.external_decide(actor=cast["hr"], external=external, approve=True)
    for s in klass.sessions.all():
        services.attendance_save(
            actor=system_actor(), session_id=s.pk, marks=[{"enrollment": e.pk, "status": "present"}]
        )
    services.class_close(actor=system_actor(), training_class=klass, scores={e.pk: 9})
    rows = api(cast["hr"]).get("/api/v1/training-hours/", {"year": 2026}).json()["results"]
    assert [(r["staff_code"], r["periods"], r["required_periods"], r["total_minutes"], r["status"]) for r in rows] == [
        ("A001", 20.0, 40, 1080, "on_track"),  # 12 tiết of the class + 8 declared; 40 × 166/365 = 18.2 due by 15/06
        ("A002", 0.0, 40, 0, "at_risk"),
    ]
    at_risk = api(cast["hr"]).get("/api/v1/training-hours/", {"year": 2026, "status": "at_risk"}).json()
    assert [r["staff_code"] for r in at_risk["results"]] == ["A002"]
    own = api(cast["member"]).get("/api/v1/training-hours/", {"year": 2026}).json()["results"]
    assert [r["staff_code"] for r in own] == ["A002"]
    certs = api(cast["hr"]).get("/api/v1/certificates/").json()["results"]
    assert [(c["number"], c["staff_code"]) for c in certs] == [("2026/000001", "A001")]
    assert api(cast["outsider_hr"]).get("/api/v1/certificates/").json()["count"] == 0


def test_my_classes_bundle_for_trainers(klass, people, cast, api, django_assert_max_num_queries):
    e = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    services.attendance_save(
        actor=system_actor(), session_id=klass.sessions.first().pk, marks=[{"enrollment": e.pk, "status": "present"}]
    )
    klass.trainer_users.add(cast["member"])
    with django_assert_max_num_queries(7):
        body = api(cast["member"]).get("/api/v1/my-classes/").json()
    [entry] = body["classes"]
    assert entry["code"] == "L-001"
    assert [p["staff_code"] for p in entry["roster"]] == ["A001"]
    assert [len(s["marks"]) for s in entry["sessions"]] == [1, 0, 0]
    assert api(cast["outsider_hr"]).get("/api/v1/my-classes/").json() == {"classes": []}


def test_my_classes_schema_describes_the_bundle_object(cast, api):
    """The offline app reads `classes` from the answer; the schema documents that object, not a bare array."""
    schema = api(cast["admin"]).get("/api/schema/", {"format": "json"}).json()
    answer = schema["paths"]["/api/v1/my-classes/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][answer["$ref"].rsplit("/", 1)[1]]
    assert component["type"] == "object" and component["required"] == ["classes"]
    assert component["properties"]["classes"]["type"] == "array"


def test_session_put_replaces_a_session_with_the_same_rules_as_patch(klass, cast, api):
    session = klass.sessions.order_by("date").first()
    client = api(cast["hr"])
    url = f"/api/v1/sessions/{session.pk}/"
    body = {
        "training_class": klass.pk,
        "date": "2026-06-02",
        "start_time": "13:00",
        "end_time": "16:30",
        "topic": "Đổi lịch",
        "trainer": "TS. Lê",
    }
    response = client.put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["planned_minutes"], response.json()["sequence"], response.json()["topic"]) == (
        210,
        1,
        "Đổi lịch",
    )
    # A missing field is refused on PUT (PATCH may send only some), the class dates still apply, and a session stays
    # in its class: each answer is 400 and nothing changes.
    assert client.put(url, {**body, "end_time": None}, format="json").status_code == 400
    assert "date" in client.put(url, {**body, "date": "2026-07-01"}, format="json").json()
    other = make_class(klass.course, klass.unit, code="L-OTHER")
    assert "training_class" in client.put(url, {**body, "training_class": other.pk}, format="json").json()
    assert "training_class" in client.patch(url, {"training_class": other.pk}, format="json").json()
    session.refresh_from_db()
    assert (session.training_class_id, str(session.date), session.topic) == (klass.pk, "2026-06-02", "Đổi lịch")
    assert api(cast["outsider_hr"]).put(url, body, format="json").status_code == 404


def test_api_deletes_a_session_only_without_attendance(klass, people, cast, api):
    a = services.enrollment_nominate(actor=system_actor(), training_class=klass, staff=people["an"]).enrollments[0]
    marked, _second, free = klass.sessions.order_by("date")
    services.attendance_save(
        actor=system_actor(), session_id=marked.pk, marks=[{"enrollment": a.pk, "status": "present"}]
    )
    client = api(cast["hr"])
    refused = client.delete(f"/api/v1/sessions/{marked.pk}/")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "Buổi học ngày 01/06/2026 đã có điểm danh (1 lượt); không thể xóa."}
    client.cookies["django_language"] = "en"
    assert client.delete(f"/api/v1/sessions/{marked.pk}/").json() == {
        "detail": "Attendance has already been recorded for the session of 01/06/2026 (1 marks); it cannot be deleted."
    }
    assert api(cast["outsider_hr"]).delete(f"/api/v1/sessions/{free.pk}/").status_code == 404
    assert client.delete(f"/api/v1/sessions/{free.pk}/").status_code == 204
    assert client.get(f"/api/v1/sessions/{free.pk}/").status_code == 404
    assert klass.sessions.count() == 2 and Attendance.objects.filter(session=marked).count() == 1
