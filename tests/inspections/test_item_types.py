"""The item types an XLSForm brings (select_one with its own list, select_multiple, integer, decimal,
text, date, image, note) through the API, the offline sync and the template editor: each answer is
checked against its type, its choices and its constraint; a required item blocks submit, not a
draft; the editor changes a draft's choice list (audited, published versions untouched) and the
export of the edited list still converts with xls2xform."""

import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from openpyxl import Workbook
from pyxform.xls2xform import convert
from simple_history.utils import get_history_manager_for_model

from inspections import services
from inspections.exports import xlsform_export
from inspections.importers import xlsform_import, xlsform_import_with_summary
from inspections.models import Answer, Inspection, Item, VersionStatus
from staff.access import system_actor

URL = "/api/v1/inspections/"


def _workbook():
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    rows = [
        ("type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message"),
        ("start", "start"),
        ("note", "huong_dan", "Đọc kỹ trước khi kiểm tra", "Hỏi trưởng bộ phận trước"),
        ("select_one danhgia", "thai_do", "Thái độ phục vụ", "Quan sát 15 phút", "true"),
        ("integer", "so_cb", "Số cán bộ có mặt", "", "true", "", ". >= 0 and . <= 50", "Từ 0 đến 50 người"),
        ("decimal", "dien_tich", "Diện tích phòng (m2)", "", "false"),
        ("select_multiple loi", "cac_loi", "Các lỗi phát hiện", "", "false"),
        ("text", "ghi_nhan", "Ghi nhận khác", "", "false", "${thai_do} = 'kem'"),
        ("date", "ngay_ht", "Ngày hoàn thành", "", "false"),
        ("image", "anh", "Ảnh hiện trường", "", "false"),
        ("text", "ma_hs", "Mã hồ sơ", "", "false", "", "regex(., '^[0-9]+$')", "Chỉ chữ số"),
    ]
    for r in rows:
        ws.append(list(r))
    ch = wb.create_sheet("choices")
    for r in [
        ("list_name", "name", "label", "score"),
        ("danhgia", "tot", "Tốt", 2),
        ("danhgia", "kha", "Khá", 1),
        ("danhgia", "kem", "Kém", 0),
        ("loi", "muon", "Đi muộn", None),
        ("loi", "som", "Về sớm", None),
    ]:
        ch.append(list(r))
    st = wb.create_sheet("settings")
    st.append(["form_title", "form_id"])
    st.append(["Kiểm tra một cửa", "kt_motcua"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FORM = _workbook()


@pytest.fixture
def imported(db):
    version = xlsform_import(data=FORM, actor=system_actor())
    return services.version_publish(actor=system_actor(), version=version)


@pytest.fixture
def job(imported, plan, tree, team):
    return services.assignment_create(
        actor=system_actor(),
        plan=plan,
        unit=tree["gamma_office"],
        template_version=imported,
        due_date=dt.date(2026, 6, 30),
        lead=team["lead"],
        members=[team["member"]],
        announced=False,
    )


GOOD = [
    {"item": "thai_do", "value": "kha"},
    {"item": "so_cb", "value": "12"},
    {"item": "dien_tich", "value": "35,5"},
    {"item": "cac_loi", "value": "muon som"},
    {"item": "ngay_ht", "value": "05/04/2026"},
]


def _body(job, answers=None, **extra):
    return {
        "client_uuid": str(uuid.uuid4()),
        "assignment": job.pk,
        "inspected_on": "2026-05-04",
        "submit": True,
        "answers": GOOD if answers is None else answers,
        **extra,
    }


def test_the_import_summary_says_which_conditions_and_constraints_are_kept(db):
    version, summary = xlsform_import_with_summary(data=FORM, actor=system_actor())
    items = {i.code: i for i in version.items.all()}
    assert (items["so_cb"].answer_type, items["dien_tich"].answer_type) == ("integer", "number")
    assert (items["so_cb"].constraint, items["so_cb"].constraint_message) == (". >= 0 and . <= 50", "Từ 0 đến 50 người")
    assert summary.conditions == ["ghi_nhan"]
    assert summary.constraints == ["so_cb"]
    # A constraint the safe parser cannot read is dropped, said so, and its message stays as guidance.
    assert items["ma_hs"].constraint == ""
    assert items["ma_hs"].hint == "Chỉ chữ số"
    assert any("ma_hs" in r and "regex" in r for r in summary.remarks)
    assert items["huong_dan"].hint == "Hỏi trưởng bộ phận trước"


def test_the_api_and_the_offline_bundle_carry_choices_hint_and_constraint(job, team, api):
    client = api(team["lead"])
    version = client.get(f"/api/v1/template-versions/{job.template_version_id}/").json()
    items = {i["code"]: i for s in version["sections"] for i in s["items"]}
    assert items["thai_do"]["choices"] == [
        {"name": "tot", "label_vi": "Tốt", "label_en": "", "score": "2"},
        {"name": "kha", "label_vi": "Khá", "label_en": "", "score": "1"},
        {"name": "kem", "label_vi": "Kém", "label_en": "", "score": "0"},
    ]
    assert (items["thai_do"]["choice_list"], items["thai_do"]["hint"]) == ("danhgia", "Quan sát 15 phút")
    assert items["cac_loi"]["choices"][0] == {"name": "muon", "label_vi": "Đi muộn", "label_en": "", "score": None}
    assert (items["so_cb"]["answer_type"], items["so_cb"]["constraint"], items["so_cb"]["constraint_message"]) == (
        "integer",
        ". >= 0 and . <= 50",
        "Từ 0 đến 50 người",
    )
    assert items["huong_dan"]["answer_type"] == "note"
    bundle = client.get("/api/v1/my-assignments/").json()["results"][0]["template_version"]
    bundled = {i["code"]: i for s in bundle["sections"] for i in s["items"]}
    assert bundled["thai_do"]["choices"] == items["thai_do"]["choices"]
    assert bundled["so_cb"]["constraint_message"] == "Từ 0 đến 50 người"


def test_a_sync_with_every_type_is_scored_once_and_replays_the_same(job, team, api):
    client = api(team["lead"])
    body = _body(job)
    first = client.post(URL, body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["total_percent"] == "50.00"  # kha = 1 of the best 2
    stored = dict(Answer.objects.values_list("item__code", "value"))
    assert stored == {
        "thai_do": "kha",
        "so_cb": "12",
        "dien_tich": "35.5",
        "cac_loi": "muon som",
        "ngay_ht": "2026-04-05",
    }
    again = client.post(URL, body, format="json")
    assert (again.status_code, again.json()) == (200, first.json())
    assert Inspection.objects.count() == 1 and Answer.objects.count() == 5


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (
            {"item": "thai_do", "value": "rat_tot"},
            "Tiêu chí thai_do (Chọn một trong danh sách): “rat_tot” không phải là một lựa chọn: tot, kha, kem.",
        ),
        ({"item": "so_cb", "value": "2,5"}, "Tiêu chí so_cb (Số nguyên): Hãy trả lời một số nguyên, không phải “2,5”."),
        ({"item": "so_cb", "value": "mười"}, "Tiêu chí so_cb (Số nguyên): “mười” không phải là một số."),
        ({"item": "so_cb", "value": "51"}, "Tiêu chí so_cb: “51” bị từ chối: Từ 0 đến 50 người"),
        (
            {"item": "cac_loi", "value": "muon ngu"},
            "Tiêu chí cac_loi (Chọn nhiều trong danh sách): “ngu” không phải là một lựa chọn: muon, som.",
        ),
        (
            {"item": "ngay_ht", "value": "31/02/2026"},
            "Tiêu chí ngay_ht (Ngày): “31/02/2026” không phải là ngày; hãy ghi theo dạng dd/mm/yyyy.",
        ),
        (
            {"item": "huong_dan", "value": "đã đọc"},
            "Tiêu chí huong_dan (Hướng dẫn (không trả lời)): Mục hướng dẫn không cần trả lời; hãy ghi vào phần "
            "ghi chú.",
        ),
    ],
)
def test_a_bad_answer_of_each_type_is_refused_by_name_and_nothing_is_written(job, team, api, answer, error):
    answers = [a for a in GOOD if a["item"] != answer["item"]] + [answer]
    body = _body(job, answers)
    response = api(team["lead"]).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"answers": [error]}
    assert not Inspection.objects.exists() and not Answer.objects.exists()
    # Corrected under a new uuid, the same tablet record goes through.
    fixed = api(team["lead"]).post(URL, _body(job), format="json")
    assert fixed.status_code == 201


def test_a_required_item_left_blank_blocks_submit_by_name_but_not_a_draft(job, team, api):
    # A guidance note marked required (the editor allows it) asks for nothing: it never blocks.
    Item.objects.filter(version=job.template_version, code="huong_dan").update(required=True)
    answers = [a for a in GOOD if a["item"] != "so_cb"]
    response = api(team["lead"]).post(URL, _body(job, answers), format="json")
    assert response.status_code == 400
    assert response.json() == {"missing": ["so_cb – Số cán bộ có mặt: chưa trả lời."]}
    assert not Inspection.objects.exists()
    draft = api(team["lead"]).post(URL, _body(job, answers, submit=False), format="json")
    assert draft.status_code == 201
    assert draft.json()["status"] == "draft"


def test_the_fill_page_renders_each_type(job, team, login):
    page = login(team["lead"]).get(reverse("inspections:fill", args=[job.pk])).content.decode()
    assert 'type="radio" name="a-thai_do" value="kem"' in page
    assert 'type="checkbox" name="a-cac_loi" value="som"' in page
    assert 'name="a-so_cb" value="" step="1" inputmode="numeric"' in page
    assert 'name="a-ngay_ht" value="" placeholder="dd/mm/yyyy"' in page
    assert "Từ 0 đến 50 người" in page  # the constraint message, shown before answering
    assert "Quan sát 15 phút" in page  # the hint
    assert 'name="a-huong_dan"' not in page  # a note is read, not answered


# ------------------------------------------------------------------------------ editing choices
def _item_post(version, **fields):
    item = Item.objects.get(version=version, code="thai_do")
    data = {
        "section": item.section.code,
        "code": "thai_do",
        "text_vi": item.text_vi,
        "text_en": "",
        "legal_basis": "",
        "answer_type": "select_one",
        "weight": "1",
        "failing_answers": "kem",
        "relevant": "",
        "required": "on",
        "hint": item.hint,
        "constraint": "",
        "constraint_message": "",
        "choice_list": "danhgia",
        "choice-TOTAL_FORMS": "5",
        "choice-INITIAL_FORMS": "3",
        "choice-MIN_NUM_FORMS": "0",
        "choice-MAX_NUM_FORMS": "200",
    }
    data.update(fields)
    return data


def test_the_editor_adds_changes_removes_and_reorders_choices_audited_and_exported(login, cast, db):
    version = xlsform_import(data=FORM, actor=system_actor())
    client = login(cast["admin"])
    url = reverse("inspections:item-edit", args=[version.pk, "thai_do"])
    page = client.get(url).content.decode()
    assert 'name="choice-0-name" value="tot"' in page and 'name="choice-2-label_vi" value="Kém"' in page
    rows = {
        # tot moves last with a new label; kha is removed; kem first; a new choice "xuat_sac" added.
        "choice-0-name": "tot",
        "choice-0-label_vi": "Tốt lắm",
        "choice-0-label_en": "Good",
        "choice-0-score": "2",
        "choice-0-ORDER": "9",
        "choice-1-name": "kha",
        "choice-1-label_vi": "Khá",
        "choice-1-score": "1",
        "choice-1-ORDER": "2",
        "choice-1-DELETE": "on",
        "choice-2-name": "kem",
        "choice-2-label_vi": "Kém",
        "choice-2-score": "0",
        "choice-2-ORDER": "1",
        "choice-3-name": "xuat_sac",
        "choice-3-label_vi": "Xuất sắc",
        "choice-3-score": "3",
        "choice-3-ORDER": "5",
    }
    response = client.post(url, _item_post(version, **rows))
    assert response.status_code == 302, response.content.decode()[:3000]
    item = Item.objects.get(version=version, code="thai_do")
    assert item.choices == [
        {"name": "kem", "label_vi": "Kém", "label_en": "", "score": "0"},
        {"name": "xuat_sac", "label_vi": "Xuất sắc", "label_en": "", "score": "3"},
        {"name": "tot", "label_vi": "Tốt lắm", "label_en": "Good", "score": "2"},
    ]
    change = get_history_manager_for_model(Item).filter(id=item.pk, history_type="~").latest("history_date")
    assert change.history_user == cast["admin"] and change.choices == item.choices
    detail = client.get(reverse("inspections:version-detail", args=[version.pk])).content.decode()
    assert "xuat_sac – Xuất sắc (3)" in detail
    # The edited list round-trips: the export converts with pyxform and re-imports the same choices.
    exported = xlsform_export(version=version)
    xform = convert(xlsform=io.BytesIO(exported), file_type=".xlsx").xform
    assert "xuat_sac" in xform and ">kha<" not in xform
    services.version_publish(actor=system_actor(), version=version)
    again = xlsform_import(data=exported, actor=system_actor())
    assert again.items.get(code="thai_do").choices == item.choices


def test_a_bad_choice_list_is_refused_next_to_the_list_and_nothing_changes(login, cast, db):
    version = xlsform_import(data=FORM, actor=system_actor())
    before = Item.objects.get(version=version, code="thai_do").choices
    client = login(cast["admin"])
    url = reverse("inspections:item-edit", args=[version.pk, "thai_do"])
    rows = {
        "choice-0-name": "tot",
        "choice-0-label_vi": "Tốt",
        "choice-1-name": "tot",
        "choice-1-label_vi": "Tốt nữa",
        "choice-2-name": "",
        "choice-2-label_vi": "Không tên",
    }
    response = client.post(url, _item_post(version, **rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy đặt tên (mã) cho lựa chọn" in page
    response = client.post(url, _item_post(version, **{**rows, "choice-2-label_vi": ""}))
    assert response.status_code == 400
    assert "Tên lựa chọn “tot” xuất hiện hai lần." in response.content.decode()
    assert Item.objects.get(version=version, code="thai_do").choices == before


def test_a_published_versions_choices_cannot_be_edited(login, cast, imported):
    client = login(cast["admin"])
    url = reverse("inspections:item-edit", args=[imported.pk, "thai_do"])
    before = Item.objects.get(version=imported, code="thai_do").choices
    response = client.post(url, _item_post(imported, **{"choice-0-name": "x", "choice-0-label_vi": "X"}))
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:version-detail", args=[imported.pk])
    assert Item.objects.get(version=imported, code="thai_do").choices == before
    assert imported.status == VersionStatus.PUBLISHED


def test_the_content_api_sets_and_keeps_a_choice_list(cast, api, db):
    version = xlsform_import(data=FORM, actor=system_actor())
    client = api(cast["admin"])
    url = f"/api/v1/template-versions/{version.pk}/"
    sections = client.get(url).json()["sections"]
    body = {"sections": []}
    for s in sections:
        items = []
        for i in s["items"]:
            keep = {k: i[k] for k in ("code", "text_vi", "answer_type", "required", "relevant", "failing_answers")}
            if i["code"] == "thai_do":
                keep["choices"] = [
                    {"name": "dat", "label_vi": "Đạt", "score": "1.5"},
                    {"name": "khong_dat", "label_vi": "Không đạt", "label_en": "Not met", "score": 0},
                ]
                keep["failing_answers"] = ["khong_dat"]
            items.append(keep)  # the others leave out choices, hint and constraint: they keep theirs
        body["sections"].append({"code": s["code"], "title_vi": s["title_vi"], "items": items})
    response = client.put(f"{url}content/", body, format="json")
    assert response.status_code == 200, response.json()
    items = {i.code: i for i in version.items.all()}
    assert items["thai_do"].choices == [
        {"name": "dat", "label_vi": "Đạt", "label_en": "", "score": "1.5"},
        {"name": "khong_dat", "label_vi": "Không đạt", "label_en": "Not met", "score": "0"},
    ]
    assert [c["name"] for c in items["cac_loi"].choices] == ["muon", "som"]
    assert (items["so_cb"].constraint, items["thai_do"].hint) == (". >= 0 and . <= 50", "Quan sát 15 phút")
    twice = [{"name": "dat", "label_vi": "Đạt"}, {"name": "dat", "label_vi": "Đạt nữa"}]
    body["sections"][0]["items"][1]["choices"] = twice
    refused = client.put(f"{url}content/", body, format="json")
    assert refused.status_code == 400
    assert "Tên lựa chọn “dat” xuất hiện hai lần." in str(refused.json())
    assert [c["name"] for c in version.items.get(code="thai_do").choices] == ["dat", "khong_dat"]
