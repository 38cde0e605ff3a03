"""Discipline decisions (Decree 172/2025): recorded, imported all or nothing, scoped, audited, on the
person page for those allowed, and counted by the "staff without a discipline decision" criterion."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from core.xlsx import ImportRejected
from staff import discipline, selectors
from staff.models import DisciplineDecision, DisciplineForm, StaffCategory

HEADER = [
    "Mã số",
    "Hình thức kỷ luật",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ban hành",
    "Hiệu lực từ",
    "Số phát hiện",
]


def sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def record(actor, person, number="12/QĐ-SA", form=DisciplineForm.REPRIMAND, day=dt.date(2026, 5, 4)):
    return discipline.discipline_create(
        actor=actor,
        staff=person,
        form=form,
        decision_number=number,
        decision_date=day,
        issuing_body="Giám đốc Sở Alpha",
        effective_from=day,
        effective_until=day + dt.timedelta(days=365),
    )


def test_hr_records_a_decision_with_its_legal_basis_and_history(cast, people):
    decision = record(cast["hr"], people["an"])
    assert decision.legal_basis == "Nghị định 172/2025/NĐ-CP"
    assert decision.recorded_by == cast["hr"]
    assert decision.history.get().history_user == cast["hr"]


def test_hr_of_another_unit_cannot_record_one(cast, people):
    with pytest.raises(ValidationError):
        record(cast["outsider_hr"], people["an"])
    assert not DisciplineDecision.objects.exists()


def test_recall_is_for_can_bo_only_and_demotion_is_gone_under_decree_172(cast, people):
    with pytest.raises(ValidationError) as caught:
        record(cast["hr"], people["an"], form=DisciplineForm.DISMISSAL_CAN_BO)
    assert caught.value.message_dict == {"form": ["Hình thức bãi nhiệm chỉ áp dụng với cán bộ."]}
    with pytest.raises(ValidationError):
        record(cast["hr"], people["an"], form=DisciplineForm.DEMOTION)
    # before 01/07/2025 a demotion was still a form of discipline
    assert record(cast["hr"], people["an"], form=DisciplineForm.DEMOTION, day=dt.date(2025, 3, 1)).pk
    people["an"].category = StaffCategory.CAN_BO
    people["an"].save()
    assert record(cast["hr"], people["an"], number="13/QĐ", form=DisciplineForm.DISMISSAL_CAN_BO).pk


def test_the_import_is_all_or_nothing_with_row_and_column(cast, people):
    rows = [
        ["A001", "Khiển trách", "01/QĐ", "04/05/2026", "Sở Alpha", "04/05/2026", 7],
        ["A002", "Kỷ luật miệng", "02/QĐ", "04/05/2026", "Sở Alpha", "04/05/2026", ""],
        ["ZZZ", "Cảnh cáo", "03/QĐ", "04/05/2026", "Sở Alpha", "04/05/2026", ""],
        ["B001", "Cảnh cáo", "04/QĐ", "04/05/2026", "Sở Beta", "04/05/2026", ""],
        ["A001", "Cảnh cáo", "01/QĐ", "04/05/2026", "Sở Alpha", "01/05/2026", ""],
    ]
    with pytest.raises(ImportRejected) as caught:
        discipline.discipline_import(data=sheet(rows), actor=cast["hr"])
    found = {(e.row, e.column): e.message for e in caught.value.errors}
    assert found == {
        (3, "B"): "“Kỷ luật miệng” không phải là một hình thức kỷ luật.",
        (4, "A"): "Không có mã cán bộ “ZZZ”.",
        (5, "A"): "Mã cán bộ B001 thuộc người ngoài phạm vi của bạn.",
        (6, "C"): "Quyết định 01/QĐ của A001 bị lặp (lần đầu ở dòng 2).",
        (6, "F"): "Quyết định không thể có hiệu lực trước ngày ký.",
    }
    assert not DisciplineDecision.objects.exists()
    plan = discipline.discipline_import(data=sheet(rows[:1]), actor=cast["hr"])
    assert plan.total == 1
    saved = DisciplineDecision.objects.get()
    assert (saved.staff, saved.form, saved.finding_id, saved.decision_date) == (
        people["an"],
        DisciplineForm.REPRIMAND,
        7,
        dt.date(2026, 5, 4),
    )
    assert saved.history.get().history_user == cast["hr"]


def test_visibility_follows_the_scope_and_the_own_record(cast, people):
    record(cast["hr"], people["binh"])
    assert selectors.discipline_list(user=cast["unit_head"]).count() == 1
    assert selectors.discipline_list(user=cast["outsider_hr"]).count() == 0
    assert selectors.discipline_list(user=cast["member"]).count() == 1  # Bình's own record
    assert selectors.discipline_for_person(user=cast["outsider_hr"], staff=people["binh"]) is None


def test_the_person_page_shows_the_decision_to_those_allowed(cast, people, login):
    record(cast["hr"], people["binh"])
    page = login(cast["unit_head"]).get(f"/staff/people/{people['binh'].pk}/")
    assert "12/QĐ-SA" in page.content.decode() and "Khiển trách" in page.content.decode()
    inspector = login(cast["inspector"]).get(f"/staff/people/{people['binh'].pk}/")
    assert inspector.status_code == 404


def test_the_api_lists_creates_and_refuses_another_units_record(cast, people, api):
    created = api(cast["hr"]).post(
        "/api/v1/discipline-decisions/",
        {
            "staff": people["an"].pk,
            "form": "warning",
            "decision_number": "20/QĐ",
            "decision_date": "2026-06-01",
            "issuing_body": "Giám đốc Sở Alpha",
            "effective_from": "2026-06-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["form_label"] == "Cảnh cáo"
    pk = created.json()["id"]
    assert api(cast["unit_head"]).get(f"/api/v1/discipline-decisions/{pk}/").status_code == 200
    assert api(cast["outsider_hr"]).get(f"/api/v1/discipline-decisions/{pk}/").status_code == 404
    refused = api(cast["outsider_hr"]).post(
        "/api/v1/discipline-decisions/",
        {
            "staff": people["an"].pk,
            "form": "warning",
            "decision_number": "21/QĐ",
            "decision_date": "2026-06-01",
            "issuing_body": "x",
            "effective_from": "2026-06-01",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert DisciplineDecision.objects.count() == 1


def test_disciplined_people_are_counted_per_unit_and_period(cast, people):
    record(cast["hr"], people["an"], number="1/QĐ")
    record(cast["hr"], people["an"], number="2/QĐ")
    record(cast["hr"], people["binh"], number="3/QĐ", day=dt.date(2026, 9, 1))
    counts = selectors.disciplined_staff_counts(start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30))
    assert counts == {people["an"].unit_id: 1}


def test_the_scorecard_lists_of_people_with_and_without_a_decision_match_its_counts(api, cast, people, tree):
    """The scorecard's "staff without a discipline decision" opens the staff list filtered by the people it
    counts (active, in the unit's subtree during the period by their history) and `disciplined`."""
    from staff.models import StaffUnitHistory

    StaffUnitHistory.objects.update(start_date=dt.date(2025, 1, 1))
    record(cast["hr"], people["an"], number="1/QĐ")
    record(cast["hr"], people["an"], number="2/QĐ")
    record(cast["hr"], people["binh"], number="3/QĐ", day=dt.date(2026, 9, 1))
    span = {"member_unit": tree["alpha"].pk, "member_start": "2026-04-01", "member_end": "2026-06-30"}
    client = api(cast["hr"])
    counted = client.get("/api/v1/staff/", span).json()
    without = client.get("/api/v1/staff/", {**span, "disciplined": "false"}).json()
    disciplined = client.get("/api/v1/staff/", {**span, "disciplined": "true"}).json()
    assert counted["count"] == 2
    assert [p["staff_code"] for p in without["results"]] == ["A002"]
    assert [p["staff_code"] for p in disciplined["results"]] == ["A001"]
    counts = selectors.disciplined_member_counts(start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30))
    assert counts == {tree["alpha"].pk: 1}
    # Someone else's unit is not a filter value they may use: refused, nothing listed.
    refused = api(cast["outsider_hr"]).get("/api/v1/staff/", {**span, "disciplined": "false"})
    assert refused.status_code == 400


# ------------------------------------------------------------------------------ the screens
def test_the_list_screen_shows_the_scope_with_the_apis_filters(cast, people, tree, login):
    record(cast["hr"], people["an"], "1/QĐ-SA")
    record(cast["hr"], people["binh"], "2/QĐ-SA", form=DisciplineForm.WARNING, day=dt.date(2025, 3, 2))
    record(cast["outsider_hr"], people["cuong"], "3/QĐ-SB")
    client = login(cast["unit_head"])
    page = client.get("/staff/discipline/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "1/QĐ-SA" in html and "2/QĐ-SA" in html and "3/QĐ-SB" not in html  # Sở Beta's person: not in scope
    assert "Ghi nhận quyết định" not in html  # the unit head sees, HR records
    by = lambda **f: client.get("/staff/discipline/", f).context["page_obj"].paginator.count  # noqa: E731
    assert by(unit=tree["alpha1"].pk) == 1
    assert by(form="warning") == 1
    assert by(year=2026) == 1
    assert by(in_effect_on="2026-06-01") == 1  # An's, in effect for a year from 04/05/2026
    assert by(staff=people["binh"].pk) == 1
    # Another unit (outside the scope) as the filter: refused on the filter, nothing of that unit shown.
    outside = client.get("/staff/discipline/", {"unit": tree["beta"].pk})
    assert "unit" in outside.context["filter"].errors
    assert "3/QĐ-SB" not in outside.content.decode()
    # The API list reads the same FilterSet.
    assert client.get("/api/v1/discipline-decisions/", {"year": 2026}).json()["count"] == 1


def test_hr_records_and_corrects_a_decision_on_screen_with_history(cast, people, login):
    client = login(cast["hr"])
    assert "Ghi nhận quyết định" in client.get("/staff/discipline/").content.decode()
    form = client.get("/staff/discipline/new/")
    assert form.status_code == 200 and "data-people-picker" in form.content.decode()
    data = {
        "person": "A002",  # Bình, by staff code
        "form": "warning",
        "decision_number": "7/QĐ-SA",
        "decision_date": "04/05/2026",
        "issuing_body": "Giám đốc Sở Alpha",
        "effective_from": "04/05/2026",
        "effective_until": "",
        "legal_basis": "",
        "reason": "Vi phạm giờ giấc",
        "finding_id": "",
    }
    assert client.post("/staff/discipline/new/", data).status_code == 302
    decision = DisciplineDecision.objects.get(decision_number="7/QĐ-SA")
    assert (decision.staff, decision.legal_basis) == (people["binh"], "Nghị định 172/2025/NĐ-CP")
    edited = client.post(f"/staff/discipline/{decision.pk}/edit/", {**data, "form": "reprimand"})
    assert edited.status_code == 302
    decision.refresh_from_db()
    assert decision.form == "reprimand"
    assert [h.history_type for h in decision.history.order_by("history_id")] == ["+", "~"]
    assert {h.history_user for h in decision.history.all()} == {cast["hr"]}


def test_the_form_refuses_a_person_outside_the_scope_and_bad_dates(cast, people, login):
    client = login(cast["hr"])
    data = {
        "person": "B001",  # Cường of Sở Beta
        "form": "warning",
        "decision_number": "8/QĐ-SA",
        "decision_date": "04/05/2026",
        "issuing_body": "Giám đốc",
        "effective_from": "04/05/2026",
    }
    refused = client.post("/staff/discipline/new/", data)
    assert refused.status_code == 400
    assert "Không tìm thấy ai khớp với “B001”." in refused.content.decode()
    assert not DisciplineDecision.objects.exists()


def test_another_units_decision_cannot_be_opened_for_editing(cast, people, login):
    theirs = record(cast["outsider_hr"], people["cuong"], "3/QĐ-SB")
    assert login(cast["hr"]).get(f"/staff/discipline/{theirs.pk}/edit/").status_code == 404
    assert login(cast["hr"]).post(f"/staff/discipline/{theirs.pk}/edit/", {}).status_code == 404
    assert login(cast["unit_head"]).get("/staff/discipline/new/").status_code in (403, 404)  # sees, not records


def test_the_menu_has_discipline_for_those_who_may_see_it(cast, login):
    assert "/staff/discipline/" in login(cast["unit_head"]).get("/").content.decode()
    assert "/staff/discipline/" not in login(cast["inspector"]).get("/").content.decode()


def test_the_picker_suggests_only_the_people_the_form_accepts(cast, people, tree, login):
    """HR of Sở Alpha who is also unit head of Sở Beta sees both units' people, but may discipline only
    Alpha's: the form's type-ahead searches that scope, so it never suggests Cường of Beta."""
    from tests.factories import Role, grant

    hr = cast["hr"]
    grant(hr, Role.UNIT_HEAD, tree["beta"])
    client = login(hr)
    page = client.get("/staff/discipline/new/").content.decode()
    assert "scope=discipline.manage" in page  # the picker's lookup URL
    suggested = client.get("/api/v1/people/", {"scope": "discipline.manage"}).json()
    codes = {p["staff_code"] for p in suggested.get("results", suggested)}
    assert codes == {"A001", "A002"}
    everyone = client.get("/api/v1/people/").json()
    assert "B001" in {p["staff_code"] for p in everyone.get("results", everyone)}  # seen, not disciplined
    refused = client.post("/staff/discipline/new/", {"person": "B001", "form": "warning"})
    assert "Không tìm thấy ai khớp với “B001”." in refused.content.decode()
    wrong = client.get("/api/v1/people/", {"scope": "staff.manage"})
    assert wrong.status_code == 400 and "scope" in wrong.json()
