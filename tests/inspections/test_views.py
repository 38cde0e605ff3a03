"""HTML screens: filling on a tablet (required items listed, photos), review, amendments, the
biên bản, exports with the screen's filters, constant queries on the registers, dashboard cards."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from PIL import Image

from core.permissions import Role
from inspections import services
from inspections.dashboard import cards
from inspections.exports import xlsform_export
from inspections.models import Answer, EvidenceBlob, Inspection, InspectionStatus
from inspections.services import AnswerInput
from staff.access import system_actor
from tests.factories import grant
from tests.inspections.conftest import GOOD_ANSWERS, fill

FILLED = {"a-I1": "yes", "a-I2": "yes", "a-I3": "4", "a-I4": "100", "a-I5": "12", "inspected_on": "2026-05-04"}


def _jpeg(size=(3000, 2000)):
    buf = io.BytesIO()
    Image.new("RGB", size, "orange").save(buf, "JPEG")
    return buf.getvalue()


def test_home_lists_the_inspectors_open_assignments(login, assignment, team):
    response = login(team["lead"]).get(reverse("inspections:home"))
    assert [a.pk for a in response.context["assignments"]] == [assignment.pk]
    assert "Nhiệm vụ của tôi" in response.content.decode()


def test_fill_screen_has_one_row_per_item_with_big_answer_buttons(login, assignment, team):
    response = login(team["lead"]).get(reverse("inspections:fill", args=[assignment.pk]))
    html = response.content.decode()
    assert html.count('class="card item"') == 7
    assert html.count('name="a-I1"') == 3  # yes / no / N/A buttons
    assert 'capture="environment"' in html
    assert "Đã trả lời 0/7" in html
    assert "<script" not in html.split("</main>")[0]  # no inline script


def test_submit_lists_every_missing_item_and_writes_nothing(login, assignment, team):
    response = login(team["lead"]).post(
        reverse("inspections:fill", args=[assignment.pk]), {"a-I1": "no", "a-I3": "2", "action": "submit"}
    )
    assert response.status_code == 400
    assert response.context["errors"] == [
        "I1 – Đeo thẻ: cần ghi chú khi tiêu chí không đạt.",
        "I2 – Không uống rượu: chưa trả lời.",
        "I4 – Tỷ lệ đúng hạn: chưa trả lời.",
        "I5 – Số hồ sơ: chưa trả lời.",
    ]
    assert 'value="no" checked' in response.content.decode()  # what was typed is kept
    assert not Inspection.objects.exists()


def test_save_draft_then_submit_with_a_photo_resized_on_the_server(login, assignment, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(team["member"])
    url = reverse("inspections:fill", args=[assignment.pk])
    assert client.post(url, {"a-I1": "yes", "action": "save"}).status_code == 302
    draft = Inspection.objects.get()
    assert (draft.status, draft.answered) == (InspectionStatus.DRAFT, 1)
    photo = SimpleUploadedFile("bang-ten.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(url, {**FILLED, "photo-I7": photo, "action": "submit", "version": draft.version})
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.status == InspectionStatus.SUBMITTED
    blob = EvidenceBlob.objects.get()
    assert (blob.width, blob.height) == (1600, 1067)
    assert [e.blob for e in inspection.answers.get(item__code="I7").evidence.all()] == [blob]


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_written(login, assignment, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("virus.jpg", b"MZ not a photo", content_type="image/jpeg")
    response = login(team["lead"]).post(
        reverse("inspections:fill", args=[assignment.pk]), {**FILLED, "photo-I7": fake, "action": "submit"}
    )
    assert response.status_code == 400
    assert response.context["errors"] == ["I7 – ảnh “virus.jpg”: Tệp không phải là ảnh (JPEG, PNG hoặc WebP)."]
    assert not Inspection.objects.exists() and not EvidenceBlob.objects.exists()


def test_an_inspector_off_the_team_cannot_open_the_fill_screen(login, assignment, cast):
    assert login(cast["admin"]).get(reverse("inspections:fill", args=[assignment.pk])).status_code == 404


def test_lead_returns_with_a_comment_then_approves(login, assignment, team):
    inspection = fill(assignment, approve=False)
    client = login(team["lead"])
    url = reverse("inspections:review", args=[inspection.pk])
    client.post(url, {"decision": "return", "comment": ""})
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    client.post(url, {"decision": "return", "comment": "Bổ sung ảnh"})
    inspection.refresh_from_db()
    assert (inspection.status, inspection.review_comment) == (InspectionStatus.RETURNED, "Bổ sung ảnh")
    services.inspection_save(actor=team["member"], assignment=assignment, answers=GOOD_ANSWERS, submit=True)
    client.post(url, {"decision": "approve"})
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.APPROVED


def test_amend_on_screen_needs_a_reason_and_keeps_both_versions(login, assignment, team):
    inspection = fill(assignment)
    client = login(team["lead"])
    url = reverse("inspections:amend", args=[inspection.pk])
    response = client.post(url, {**FILLED, "a-I3": "2", "reason": ""})
    assert response.status_code == 400
    assert response.context["errors"] == ["Lần đính chính cần có lý do."]
    assert client.post(url, {**FILLED, "a-I3": "2", "reason": "Chấm lại I3"}).status_code == 302
    history = client.get(reverse("inspections:inspection-history", args=[inspection.pk]))
    assert [v["snapshot"]["total_percent"] for v in history.context["versions"]] == ["100.00", "87.50"]
    assert "Chấm lại I3" in history.content.decode()


def test_the_printable_report_is_a_bien_ban(login, assignment, team):
    inspection = fill(assignment, [AnswerInput("I1", "no", note="Quên thẻ"), *GOOD_ANSWERS[1:]])
    services.action_create(
        actor=system_actor(), finding=inspection.findings.get(), description="Nhắc nhở", due_date=dt.date(2026, 6, 1)
    )
    html = login(team["lead"]).get(reverse("inspections:report", args=[inspection.pk]), follow=True).content.decode()
    for text in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: …/BB-ĐKT",  # reading it takes no number: issuing is an explicit action
        "BIÊN BẢN KIỂM TRA",
        "Văn phòng xã Gamma",
        "Chỉ thị 26/CT-TTg",
        "Nhắc nhở",
        "TRƯỞNG ĐOÀN KIỂM TRA",
        "Hoàn thành tốt",
    ):
        assert text in html


def test_report_in_excel(login, assignment, team):
    inspection = fill(assignment)
    response = login(team["lead"]).get(reverse("inspections:report-xlsx", args=[inspection.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Phần", "Mã", "Tiêu chí")
    assert [r[1] for r in rows[1:]] == ["I1", "I2", "I3", "I4", "I5", "I6", "I7"]
    answers = {r[1]: r[4] for r in rows[1:]}
    assert answers["I1"] == "Có"  # the answer as people read it, not the stored "yes"
    assert wb.worksheets[0].freeze_panes == "A2"


def _many_findings(plan, tree, checklist, team, n):
    units = [tree[k] for k in ("alpha", "alpha1", "beta", "gamma", "gamma_office", "province")][:n]
    for unit in units:
        a = services.assignment_create(
            actor=system_actor(),
            plan=plan,
            unit=unit,
            template_version=checklist,
            due_date=dt.date(2026, 6, 1),
            lead=team["lead"],
        )
        insp = fill(a, [AnswerInput("I1", "no", note="x"), AnswerInput("I2", "no"), *GOOD_ANSWERS[2:]])
        for finding in insp.findings.all():
            services.action_create(
                actor=system_actor(),
                finding=finding,
                description=f"Khắc phục {unit.code}",
                due_date=dt.date(2026, 1, 1),
            )


@pytest.mark.parametrize("page_size", [2, 5])
def test_findings_register_runs_constant_queries_per_page(
    login, plan, tree, checklist, team, cast, page_size, django_assert_num_queries
):
    _many_findings(plan, tree, checklist, team, 6)
    client = login(cast["admin"])
    with django_assert_num_queries(REGISTER_QUERIES):
        response = client.get(reverse("inspections:finding-list"), {"page_size": page_size})
    assert len(response.context["object_list"]) == page_size
    assert response.context["page_obj"].paginator.count == 12


@pytest.mark.parametrize("page_size", [2, 5])
def test_results_per_unit_run_constant_queries_per_page(
    login, plan, tree, checklist, team, cast, page_size, django_assert_num_queries
):
    _many_findings(plan, tree, checklist, team, 6)
    client = login(cast["admin"])
    with django_assert_num_queries(RESULTS_QUERIES):
        response = client.get(reverse("inspections:results"), {"page_size": page_size, "year": 2026})
    rows = list(response.context["object_list"])
    assert len(rows) == page_size
    assert rows[0]["unit__code"] == "ALPHA" and rows[0]["findings"] == 2 and float(rows[0]["mean"]) == 37.5


@pytest.mark.parametrize("page_size", [2, 5])
@pytest.mark.parametrize("name", ["inspection-list", "assignment-list", "action-list"])
def test_lists_run_constant_queries_per_page(
    login, plan, tree, checklist, team, cast, name, page_size, django_assert_num_queries
):
    _many_findings(plan, tree, checklist, team, 6)
    client = login(cast["admin"])
    with django_assert_num_queries(LIST_QUERIES[name]):
        response = client.get(reverse(f"inspections:{name}"), {"page_size": page_size})
    assert len(response.context["object_list"]) == page_size
    assert response.context["page_obj"].paginator.count >= 6


REGISTER_QUERIES = 6
# session, user, grants, the unit filter's choices, count, page (+ the assignments' team members)
LIST_QUERIES = {"inspection-list": 5, "assignment-list": 6, "action-list": 5}
RESULTS_QUERIES = 5  # the units counted, then the page of their figures


def test_findings_export_uses_the_screen_filters(login, plan, tree, checklist, team, cast):
    _many_findings(plan, tree, checklist, team, 3)
    response = login(cast["admin"]).get(
        reverse("inspections:finding-export"), {"unit": tree["alpha"].pk, "state": "overdue", "critical": "true"}
    )
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert [(r[1], r[4], r[7], r[12]) for r in rows[1:]] == [
        ("Phòng Alpha-1", "I2", "Khắc phục ALPHA-1", "có"),
        ("Sở Alpha", "I2", "Khắc phục ALPHA", "có"),
    ]
    assert wb.active.auto_filter.ref == "A1:N3"


def test_results_export_lists_units_for_the_period(login, plan, tree, checklist, team, cast):
    _many_findings(plan, tree, checklist, team, 2)
    response = login(cast["admin"]).get(reverse("inspections:results-export"), {"year": 2026})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1:] == [
        ("ALPHA", "Sở Alpha", 1, 1, 37.5, 1, 2, rows[1][7]),
        ("ALPHA-1", "Phòng Alpha-1", 1, 1, 37.5, 1, 2, rows[2][7]),
    ]
    assert (
        rows[2:]
        and load_workbook(
            io.BytesIO(
                b"".join(
                    login(cast["admin"]).get(reverse("inspections:results-export"), {"year": 2025}).streaming_content
                )
            )
        ).active.max_row
        == 1
    )


def test_template_import_on_screen_makes_a_draft_version(login, checklist, cast):
    upload = SimpleUploadedFile("vh.xlsx", xlsform_export(version=checklist))
    client = login(cast["admin"])
    preview = client.post(reverse("inspections:template-list"), {"file": upload})
    assert preview.status_code == 200 and not checklist.template.versions.filter(number=2).exists()
    response = client.post(reverse("inspections:template-list"), {"import_token": preview.context["import_token"]})
    assert response.status_code == 302
    assert checklist.template.versions.filter(number=2, status="draft").exists()


def test_dashboard_cards_show_open_work_and_overdue_actions(plan, tree, checklist, team, cast, assignment):
    _many_findings(plan, tree, checklist, team, 1)
    titles = {c["title"]: c["value"] for c in cards(team["lead"])}
    assert titles["Nhiệm vụ đang mở của tôi"] == 1
    assert titles["Biện pháp khắc phục quá hạn"] == 2  # the lead's own team, in Sở Alpha
    assert {c["title"]: c["value"] for c in cards(cast["unit_head"])}["Biện pháp khắc phục quá hạn"] == 2
    assert {c["title"]: c["value"] for c in cards(team["stranger"])}["Biện pháp khắc phục quá hạn"] == 0


def test_unknown_hash_in_keep_field_is_ignored(login, assignment, team):
    client = login(team["lead"])
    response = client.post(
        reverse("inspections:fill", args=[assignment.pk]),
        {**FILLED, "keep-I7": hashlib.sha256(b"x").hexdigest(), "action": "save"},
    )
    assert response.status_code == 400
    assert response.context["errors"] == [f"Ảnh {hashlib.sha256(b'x').hexdigest()[:12]} chưa được tải lên."]
    assert not Answer.objects.exists()


def test_the_sub_navigation_follows_grants_language_and_page(login, cast, tree):
    """The entries follow the user's grants and language at once; the active entry is the page's."""
    client = login(cast["member"])
    actions, plans = reverse("inspections:action-list"), reverse("inspections:plan-list")
    assert client.get(actions).status_code == 404
    grant(cast["member"], Role.UNIT_HEAD, tree["alpha1"])
    html = client.get(actions).content.decode()
    assert f'<a class="button primary" href="{actions}" aria-current="page">Biện pháp khắc phục</a>' in html
    assert f'<a class="button" href="{plans}">Kế hoạch và bao phủ</a>' in html
    client.cookies["django_language"] = "en"
    with translation.override(None):  # the request leaves English active in this thread: restored after
        html = client.get(plans).content.decode()
    assert f'<a class="button" href="{actions}">Corrective actions</a>' in html
    assert f'<a class="button primary" href="{plans}" aria-current="page">Plans and coverage</a>' in html
    assert html.count('class="button') - html.count('class="button primary') >= 7
