"""Official documents: every kind generated and reopened with python-docx (header, number, title, key
figures), the print pages, the scope of every endpoint, numbering, template uploads, the command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as Docx

from documents.kinds import KINDS
from documents.models import DocumentTemplate, IssuedDocument
from documents.selectors import shipped_path
from documents.services import template_placeholders
from inspections.models import Evidence
from tests.inspections.scope_cases import _world as inspection_world
from tests.training.scope_cases import _world as training_world

YEAR = dt.date.today().year
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def docx_text(data: bytes) -> str:
    """Every paragraph of the document, tables included, one per line."""
    doc = Docx(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def header_cells(data: bytes) -> tuple[str, str]:
    table = Docx(io.BytesIO(data)).tables[0]
    return table.cell(0, 0).text, table.cell(0, 1).text


@pytest.fixture
def worlds(cast, tree, people):
    ctx = {"cast": cast, "tree": tree, "people": people}
    people["an"].date_of_birth = dt.date(1990, 3, 15)
    people["an"].save(update_fields=["date_of_birth"])
    return training_world(ctx), inspection_world(ctx)


def _get_docx(client, kind, pk):
    response = client.get(reverse("documents:record-docx", args=[kind, pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return response.content


def _issue_docx(client, kind, pk):
    """ "Cấp số và tải văn bản": the POST issues, then the browser follows to the numbered Word file."""
    response = client.post(reverse("documents:record-issue", args=[kind, pk]))
    assert response.status_code == 302 and response["Location"] == reverse("documents:record-docx", args=[kind, pk])
    return _get_docx(client, kind, pk)


# ----------------------------------------------------------------------------------- shipped templates
@pytest.mark.parametrize("code", sorted(KINDS))
def test_shipped_template_has_decree_30_layout_and_only_known_placeholders(code):
    kind = KINDS[code]
    data = shipped_path(kind).read_bytes()
    assert template_placeholders(data) <= kind.known_placeholders
    left, right = header_cells(data)
    assert "{{ issuing_body }}" in left and "Số: {{ number }}" in left
    assert MOTTO in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}" in right
    text = docx_text(data)
    assert "Nơi nhận:" in text and "{{ signer_title }}" in text and "{{ signer_name }}" in text
    section = Docx(io.BytesIO(data)).sections[0]
    assert {round(section.page_width.mm), round(section.page_height.mm)} == {210, 297}


def test_build_document_templates_reproduces_the_committed_files(tmp_path, monkeypatch):
    import documents.management.commands.build_document_templates as command

    monkeypatch.setattr(command, "SHIPPED_DIR", tmp_path)
    call_command("build_document_templates", stdout=io.StringIO())
    for code, kind in KINDS.items():
        rebuilt = docx_text((tmp_path / f"{code}.docx").read_bytes())
        assert rebuilt == docx_text(shipped_path(kind).read_bytes())


# -------------------------------------------------------------------------------------------- training
def test_certificate_word_file_has_kind_dob_serial_and_verification_link(login, cast, worlds):
    training, _ = worlds
    cert = training["in"]["certificate"]
    data = _get_docx(login(cast["hr"]), "certificate", cert.pk)
    left, right = header_cells(data)
    assert left.splitlines()[:2] == ["UBND TỈNH THỬ NGHIỆM", "SỞ ALPHA"]
    assert f"Cao Bằng, ngày {cert.issued_on:%d} tháng {cert.issued_on:%m} năm {cert.issued_on:%Y}" in right
    text = docx_text(data)
    assert "GIẤY CHỨNG NHẬN" in text
    assert "Chứng nhận Ông/Bà: Nguyễn Văn An" in text
    assert "Ngày sinh: 15/03/1990" in text
    assert f"Số hiệu: {cert.number}" in text
    assert f"/training/verify/{cert.verify_code}/" in text
    assert "Điểm: 8." in text
    assert len(Docx(io.BytesIO(data)).inline_shapes) == 1  # the QR code


def test_course_giving_a_chung_chi_prints_chung_chi(login, cast, worlds):
    training, _ = worlds
    course = training["in"]["course"]
    course.certificate_kind = "cc"
    course.save(update_fields=["certificate_kind"])
    client = login(cast["hr"])
    text = docx_text(_get_docx(client, "certificate", training["in"]["certificate"].pk))
    assert "CHỨNG CHỈ" in text and "GIẤY CHỨNG NHẬN" not in text
    page = client.get(reverse("training:certificate-detail", args=[training["in"]["certificate"].pk])).content.decode()
    assert "CHỨNG CHỈ" in page and "Độc lập - Tự do - Hạnh phúc" in page and "15/03/1990" in page


def test_class_list_lists_learners_who_completed(login, cast, worlds):
    training, _ = worlds
    klass = training["in"]["cls"]
    text = docx_text(_get_docx(login(cast["hr"]), "class_list", klass.pk))
    assert "DANH SÁCH HỌC VIÊN HOÀN THÀNH KHÓA BỒI DƯỠNG" in text
    assert "Nguyễn Văn An" in text and "15/03/1990" in text and training["in"]["certificate"].number in text
    assert "Tổng số: 1 học viên." in text


def test_class_opening_decision_is_numbered_only_when_issued(login, api, cast, worlds):
    training, _ = worlds
    klass = training["in"]["open"]
    client = login(cast["hr"])
    # Looking at it (page or Word file, as often as one likes) takes no number: an unnumbered preview.
    preview = client.get(reverse("documents:record-docx", args=["class_opening", klass.pk]))
    assert "Số: …/QĐ-ALPHA" in docx_text(preview.content) and preview["X-Document-Number"] == "preview"
    assert "ban-xem-truoc-" in preview["Content-Disposition"]
    page = client.get(reverse("documents:record-print", args=["class_opening", klass.pk])).content.decode()
    assert "Số: …/QĐ-ALPHA" in page and 'data-testid="docx-issue"' in page
    assert not IssuedDocument.objects.filter(kind="class_opening").exists()
    # Issuing takes the number; a second click (or a retry) gets the same one, never the next.
    first = docx_text(_issue_docx(client, "class_opening", klass.pk))
    again = docx_text(_issue_docx(client, "class_opening", klass.pk))
    assert "Số: 1/QĐ-ALPHA" in first and "Số: 1/QĐ-ALPHA" in again
    assert "QUYẾT ĐỊNH" in first and "Mở lớp Khóa in (mã lớp L-in-2)" in first
    # Afterwards a GET re-renders it with its number; the page no longer offers to issue it.
    assert "Số: 1/QĐ-ALPHA" in docx_text(_get_docx(client, "class_opening", klass.pk))
    page = client.get(reverse("documents:record-print", args=["class_opening", klass.pk])).content.decode()
    assert "Số: 1/QĐ-ALPHA" in page and 'data-testid="docx-issue"' not in page
    assert IssuedDocument.objects.filter(kind="class_opening").count() == 1
    assert IssuedDocument.objects.get(kind="class_opening").issued_by == cast["hr"]


def test_api_issues_with_post_and_fetches_with_get(api, cast, worlds):
    training, _ = worlds
    inside, outside = training["in"]["open"].pk, training["out"]["open"].pk
    rest = api(cast["hr"])
    url = reverse("api-document-record", args=["class_opening", inside])
    fetched = rest.get(url)
    assert fetched.status_code == 200 and fetched["X-Document-Number"] == "preview"
    assert "Số: …/QĐ-ALPHA" in docx_text(fetched.content)
    issued = rest.post(url)
    assert issued.status_code == 200 and "Số: 1/QĐ-ALPHA" in docx_text(issued.content)
    assert issued["X-Document-Number"] == "1/Q%C4%90-ALPHA"
    assert rest.post(url)["X-Document-Number"] == "1/Q%C4%90-ALPHA"  # a retry: the same number
    assert "Số: 1/QĐ-ALPHA" in docx_text(rest.get(url).content)
    assert rest.post(reverse("api-document-record", args=["class_opening", outside])).status_code == 404
    assert rest.post(reverse("api-document-record", args=["class_list", inside])).status_code == 404  # unnumbered
    assert IssuedDocument.objects.filter(kind="class_opening").count() == 1


def test_issuing_another_units_record_is_404_and_takes_no_number(login, cast, worlds):
    training, insp = worlds
    hr, inspector = login(cast["hr"]), login(cast["inspector"])
    assert (
        hr.post(reverse("documents:record-issue", args=["class_opening", training["out"]["open"].pk])).status_code
        == 404
    )
    outside = insp["approved_out"].pk
    assert inspector.post(reverse("documents:record-issue", args=["inspection_minutes", outside])).status_code == 404
    assert (
        hr.get(reverse("documents:record-issue", args=["class_opening", training["in"]["open"].pk])).status_code == 405
    )
    assert not IssuedDocument.objects.exists()


# ----------------------------------------------------------------------------------------- inspections
def test_team_decision_and_notice(login, cast, worlds):
    _, insp = worlds
    assignment = insp["approved_in"].assignment
    client = login(cast["inspector"])
    decision = docx_text(_issue_docx(client, "team_decision", assignment.pk))
    assert "Số: 1/QĐ-GAMMA" in decision
    assert "Về việc thành lập Đoàn kiểm tra tại Văn phòng xã Gamma" in decision
    assert "Trưởng đoàn" in decision
    notice = docx_text(_issue_docx(client, "inspection_notice", assignment.pk))
    assert "Số: 1/TB-GAMMA" in notice and "THÔNG BÁO" in notice and "Kính gửi: Văn phòng xã Gamma" in notice


def test_bien_ban_has_number_time_place_people_findings_and_photos(login, cast, worlds):
    _, insp = worlds
    inspection = insp["approved_in"]
    Evidence.objects.create(answer=inspection.answers.first(), blob=insp["blob_in"])
    client = login(cast["inspector"])
    saved = client.post(
        reverse("documents:record-print", args=["inspection_minutes", inspection.pk]),
        {
            "start_time": "8 giờ 30",
            "end_time": "11 giờ 00",
            "venue": "Hội trường xã Gamma",
            "present": "Nông Văn Tú, Chủ tịch UBND xã",
        },
    )
    assert saved.status_code == 302
    data = _issue_docx(client, "inspection_minutes", inspection.pk)
    left, _right = header_cells(data)
    assert left.splitlines()[:2] == ["UBND XÃ GAMMA", "ĐOÀN KIỂM TRA"]
    assert "Số: 1/BB-ĐKT" in left
    text = docx_text(data)
    assert "BIÊN BẢN KIỂM TRA" in text
    assert "hồi 8 giờ 30 ngày 04/05/2026, tại Hội trường xã Gamma" in text
    assert "Nông Văn Tú: Chủ tịch UBND xã" in text
    assert "1. " in text and "Biên bản kết thúc hồi 11 giờ 00" in text
    assert "(version" not in text
    assert len(Docx(io.BytesIO(data)).inline_shapes) == 1  # the photo in the appendix
    page = client.get(reverse("documents:record-print", args=["inspection_minutes", inspection.pk])).content.decode()
    assert "Số: 1/BB-ĐKT" in page and "Hội trường xã Gamma" in page and "Ảnh 1" in page


def test_conclusion_notice_lists_actions_and_deadlines(login, cast, worlds):
    _, insp = worlds
    text = docx_text(_issue_docx(login(cast["inspector"]), "conclusion_notice", insp["approved_in"].pk))
    assert "Số: 1/TB-GAMMA" in text and "Kết luận kiểm tra tại Văn phòng xã Gamma" in text
    assert "Nhắc nhở" in text and "01/07/2026" in text


# --------------------------------------------------------------------------------------------- scope
RECORD_KINDS = [
    ("certificate", "hr", lambda t, i, side: t[side]["certificate"]),
    ("class_list", "hr", lambda t, i, side: t[side]["cls"]),
    ("class_opening", "hr", lambda t, i, side: t[side]["open"]),
    ("team_decision", "inspector", lambda t, i, side: i[f"approved_{side}"].assignment),
    ("inspection_notice", "inspector", lambda t, i, side: i[f"approved_{side}"].assignment),
    ("inspection_minutes", "inspector", lambda t, i, side: i[f"approved_{side}"]),
    ("conclusion_notice", "inspector", lambda t, i, side: i[f"approved_{side}"]),
]


@pytest.mark.parametrize("kind,role,getter", RECORD_KINDS, ids=[k[0] for k in RECORD_KINDS])
def test_every_document_of_another_units_record_is_404(kind, role, getter, login, api, cast, worlds):
    training, insp = worlds
    inside, outside = getter(training, insp, "in").pk, getter(training, insp, "out").pk
    client = login(cast[role])
    for name in ("documents:record-print", "documents:record-docx"):
        assert client.get(reverse(name, args=[kind, outside])).status_code == 404
        assert client.get(reverse(name, args=[kind, inside])).status_code == 200
    rest = api(cast[role])
    assert rest.get(reverse("api-document-record", args=[kind, outside])).status_code == 404
    response = rest.get(reverse("api-document-record", args=[kind, inside]))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert not IssuedDocument.objects.filter(kind=kind, record_key=str(outside)).exists()


def test_bien_ban_details_of_another_units_inspection_are_refused(login, cast, worlds):
    _, insp = worlds
    response = login(cast["inspector"]).post(
        reverse("documents:record-print", args=["inspection_minutes", insp["approved_out"].pk]), {"venue": "X"}
    )
    assert response.status_code == 404


# ------------------------------------------------------------------------------------------- reports
def test_training_report_counts_learners_and_tiet_of_the_subtree(login, api, cast, worlds):
    client = login(cast["hr"])
    url = reverse("documents:report", args=["training_report"])
    response = client.get(url, {"unit": "ALPHA", "period": str(YEAR), "format": "docx"})
    assert response.status_code == 200
    assert "Số: …/BC-ALPHA" in docx_text(response.content)  # a preview until issued
    issued = client.post(url, {"unit": "ALPHA", "period": str(YEAR)})
    assert issued.status_code == 302 and "format=docx" in issued["Location"]
    assert client.post(url, {"unit": "BETA", "period": str(YEAR)}).status_code == 404
    response = client.get(issued["Location"])
    text = docx_text(response.content)
    assert "Số: 1/BC-ALPHA" in text and "BÁO CÁO" in text
    # One morning session (8:00–12:00) attended in full: 4 tiết, as the training ledger counts them.
    assert "Số lớp: 1/2 lớp theo kế hoạch; lượt học viên hoàn thành: 1/10; tổng số tiết: 4." in text
    assert "Khoa học công nghệ, đổi mới sáng tạo và kỹ năng số\n1\n1\n4" in text  # classes, learners, tiết
    assert "Công chức\n1\n4" in text
    assert client.get(url, {"unit": "BETA", "period": str(YEAR)}).status_code == 404
    assert (
        api(cast["hr"])
        .get(reverse("api-document-report", args=["training_report"]), {"unit": "BETA", "period": YEAR})
        .status_code
        == 404
    )
    page = client.get(url, {"unit": "ALPHA", "period": str(YEAR)}).content.decode()
    assert "tổng số tiết: 4." in page


def _completed_class(unit, code, category, capacity, learners):
    """A class of `unit` in `category` that the learners completed: one morning, 4 tiết each."""
    from staff.access import system_actor
    from training import services
    from training.models import ClassStatus

    actor = system_actor()
    course = services.course_create(
        actor=actor, code=f"C-{code}", title=f"Khóa {code}", category=category, planned_minutes=240, owner_unit=unit
    )
    day = dt.date.today() - dt.timedelta(days=2)
    cls = services.class_create(
        actor=actor, course=course, code=code, unit=unit, capacity=capacity, start_date=day, end_date=day
    )
    session = services.session_create(
        actor=actor, training_class=cls, date=day, start_time=dt.time(8), end_time=dt.time(12)
    )
    services.class_set_status(actor=actor, training_class=cls, status=ClassStatus.OPEN)
    services.class_set_status(actor=actor, training_class=cls, status=ClassStatus.IN_PROGRESS)
    enrollments = services.enrollment_nominate_many(actor=actor, training_class=cls, staff_list=learners).enrollments
    services.attendance_save(
        actor=actor, session_id=session.pk, marks=[{"enrollment": e.pk, "status": "present"} for e in enrollments]
    )
    services.class_close(actor=actor, training_class=cls, scores={e.pk: 8 for e in enrollments})
    return cls


def _table_rows(data: bytes, first_header: str) -> list[list[str]]:
    for table in Docx(io.BytesIO(data)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and first_header in rows[0]:
            return rows
    raise AssertionError(f"no table with the column {first_header!r}")


def test_training_report_has_the_ministry_table_by_content_group_and_kind_of_staff(login, cast, tree, worlds):
    from staff.models import StaffCategory
    from tests.factories import make_staff
    from training.models import CourseCategory

    alpha = tree["alpha"]
    learners = [
        make_staff(alpha, "Lò Văn Bộ", category=StaffCategory.CAN_BO),
        make_staff(alpha, "Hà Thị Chức", category=StaffCategory.VIEN_CHUC),
        make_staff(alpha, "Đàm Văn Hợp", category=StaffCategory.CONTRACT),  # not CBCCVC: not in this table
    ]
    _completed_class(alpha, "QLNN-1", CourseCategory.STATE_MANAGEMENT, 4, learners)
    client = login(cast["hr"])
    url = reverse("documents:report", args=["training_report"])
    data = client.get(url, {"unit": "ALPHA", "period": str(YEAR), "format": "docx"}).content
    rows = _table_rows(data, "Nội dung bồi dưỡng")
    assert rows[0] == [
        "STT",
        "Nội dung bồi dưỡng",
        "Kế hoạch (lượt)",
        "Thực hiện: tổng số",
        "Cán bộ",
        "Công chức",
        "Viên chức",
        "Tỷ lệ so với kế hoạch",
        "Số tiết",
    ]
    by_group = {r[1]: r for r in rows[1:]}
    assert len(rows) == 1 + len(CourseCategory.choices) + 1  # every content group, then the total
    # Plan: Alpha's two digital classes of 5 places; An (công chức) completed one: 4 tiết.
    assert by_group["Khoa học công nghệ, đổi mới sáng tạo và kỹ năng số"][2:] == [
        "10", "1", "0", "1", "0", "10 %", "4"
    ]  # fmt: skip
    # The new state-management class: 4 places, a cán bộ and a viên chức (the contract worker left out).
    assert by_group["Kiến thức, kỹ năng quản lý nhà nước"][2:] == ["4", "2", "1", "0", "1", "50 %", "8"]
    assert by_group["Lý luận chính trị"][2:] == ["0", "0", "0", "0", "0", "—", "0"]
    assert rows[-1][1:] == ["Tổng cộng", "14", "3", "1", "1", "1", "21,4 %", "12"]
    page = client.get(url, {"unit": "ALPHA", "period": str(YEAR)}).content.decode()
    assert "Biểu tổng hợp số lượt CBCCVC được bồi dưỡng" in page and "21,4 %" in page


def test_inspection_report_of_a_period(login, cast, worlds):
    client = login(cast["inspector"])
    url = reverse("documents:report", args=["inspection_report"])
    response = client.get(url, {"unit": "GAMMA", "period": "2026-Q2", "format": "docx"})
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "Đã kiểm tra 1/2 đơn vị (bao phủ 50 %), 2 cuộc kiểm tra." in text
    assert "Phát hiện 1 tồn tại; biện pháp khắc phục: 0 đã hoàn thành" in text
    assert client.get(url, {"unit": "BETA", "period": "2026-Q2"}).status_code == 404


def test_report_with_a_bad_period_says_so(login, cast, worlds):
    response = login(cast["hr"]).get(
        reverse("documents:report", args=["training_report"]), {"unit": "ALPHA", "period": "năm ngoái"}
    )
    assert response.status_code == 200 and 'class="error"' in response.content.decode()


# --------------------------------------------------------------------------------------------- numbers
def test_numbers_follow_the_register_and_restart_per_issuing_body(worlds, cast):
    from documents.services import document_number_issue
    from staff.access import system_actor

    training, _ = worlds
    kind = KINDS["inspection_minutes"]
    unit = training["in"]["cls"].unit
    numbers = [
        document_number_issue(actor=system_actor(), kind=kind, record_key=k, unit=unit, year=2026).number
        for k in ("a", "b", "a", "c")
    ]
    assert numbers == ["1/BB-ĐKT", "2/BB-ĐKT", "1/BB-ĐKT", "3/BB-ĐKT"]
    other = document_number_issue(
        actor=system_actor(), kind=kind, record_key="z", unit=training["out"]["cls"].unit, year=2026
    )
    assert other.number == "1/BB-ĐKT"
    next_year = document_number_issue(actor=system_actor(), kind=kind, record_key="y", unit=unit, year=2027)
    assert next_year.number == "1/BB-ĐKT"


# ------------------------------------------------------------------------------------------- templates
def _edited_template(extra: str) -> bytes:
    doc = Docx(io.BytesIO(shipped_path(KINDS["class_list"]).read_bytes()))
    doc.add_paragraph(extra)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _upload(client, unit, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("documents:template-detail", args=["class_list"]),
        {"unit": unit.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_edited_template_round_trips_for_the_subtree_only(login, cast, tree, worlds):
    training, _ = worlds
    admin = login(cast["admin"])
    assert (
        _upload(
            admin, tree["alpha"], "mau.docx", _edited_template("Mẫu riêng của Sở Alpha: {{ learner_count }} người")
        ).status_code
        == 302
    )
    assert (
        _upload(
            admin, tree["alpha"], "mau2.docx", _edited_template("Mẫu riêng v2: {{ learner_count }} người")
        ).status_code
        == 302
    )
    assert list(DocumentTemplate.objects.values_list("version", flat=True).order_by("version")) == [1, 2]
    inside = docx_text(_get_docx(admin, "class_list", training["in"]["cls"].pk))
    assert "Mẫu riêng v2: 1 người" in inside
    outside = docx_text(_get_docx(admin, "class_list", training["out"]["cls"].pk))
    assert "Mẫu riêng" not in outside
    page = admin.get(reverse("documents:template-detail", args=["class_list"])).content.decode()
    assert "learner_count" in page and "mau.docx" in page and "mau2.docx" in page
    v1 = DocumentTemplate.objects.get(version=1)
    old = admin.get(reverse("documents:template-download", args=["class_list"]), {"version": v1.pk})
    assert "Mẫu riêng của Sở Alpha" in docx_text(old.content)


def test_template_uploads_and_restores_are_audited(login, cast, tree, worlds):
    from audit.selectors import record_history

    admin = login(cast["admin"])
    assert _upload(admin, tree["alpha"], "mau.docx", _edited_template("Mẫu một")).status_code == 302
    assert _upload(admin, tree["alpha"], "mau2.docx", _edited_template("Mẫu hai")).status_code == 302
    v1 = DocumentTemplate.objects.get(version=1)
    page = admin.get(reverse("documents:template-detail", args=["class_list"])).content.decode()
    assert page.count('data-testid="template-restore"') == 1  # v2 is in use; v1 can be used again
    restored = admin.post(reverse("documents:template-detail", args=["class_list"]), {"restore": v1.pk}, follow=True)
    assert "Phiên bản 1 được dùng lại cho Sở Alpha, thành phiên bản 3." in restored.content.decode()
    v3 = DocumentTemplate.objects.get(version=3)
    assert bytes(v3.content) == bytes(v1.content)
    assert "Mẫu một" in docx_text(_get_docx(admin, "class_list", worlds[0]["in"]["cls"].pk))
    for row in DocumentTemplate.objects.all():  # each upload and the restore: who, when, which file
        (entry,) = record_history(obj=row)
        assert entry.kind == "created" and row.history.get().history_user == cast["admin"]
        assert row.history.get().filename == row.filename
    assert not any("content" in f.name for f in DocumentTemplate.history.model._meta.fields)  # not the file
    other = admin.post(reverse("documents:template-detail", args=["class_list"]), {"restore": "999999"})
    assert other.status_code == 404
    hr = login(cast["hr"])  # may read documents but not manage templates
    assert hr.post(reverse("documents:template-detail", args=["class_list"]), {"restore": v1.pk}).status_code == 404
    assert DocumentTemplate.objects.count() == 3


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("mau.pdf", b"%PDF-1.4", "Hãy tải lên tệp Word có đuôi .docx."),
        ("mau.docx", b"PK\x03\x04 not really a zip", "Tệp Word bị hỏng, không mở được."),
        ("mau.docx", b"hello", "Tệp không phải là văn bản Word (.docx)."),
        ("mau.docx", "UNKNOWN", "Trường thay thế không có: ma_so_thue."),
        ("mau.docx", "BROKEN", "Mẫu có lỗi trường thay thế ở dòng"),
        ("mau.docx", "LARGE", "mẫu tối đa 1 KB"),
    ],
)
def test_bad_template_is_refused_and_the_old_one_kept(name, content, message, login, cast, tree, worlds, settings):
    admin = login(cast["admin"])
    assert _upload(admin, tree["alpha"], "ok.docx", _edited_template("Bản cũ")).status_code == 302
    if content == "UNKNOWN":
        content = _edited_template("{{ ma_so_thue }}")
    elif content == "BROKEN":
        content = _edited_template("{{ learner_count ")
    elif content == "LARGE":
        content = _edited_template("x")
        settings.DOCUMENT_TEMPLATE_MAX_BYTES = 1024
    response = _upload(admin, tree["alpha"], name, content)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert DocumentTemplate.objects.count() == 1


def test_only_template_managers_may_upload(login, cast, tree, worlds):
    response = _upload(login(cast["hr"]), tree["alpha"], "mau.docx", _edited_template("x"))
    assert response.status_code == 400 and DocumentTemplate.objects.count() == 0


# ------------------------------------------------------------------------------------------- command
def test_render_document_command_lists_and_writes(tmp_path, worlds):
    training, _ = worlds
    out = io.StringIO()
    call_command("render_document", "--list", stdout=out)
    assert "inspection_minutes" in out.getvalue() and "training_report" in out.getvalue()
    path = tmp_path / "ds.docx"
    call_command("render_document", "class_list", str(training["in"]["cls"].pk), str(path), stdout=io.StringIO())
    assert "Nguyễn Văn An" in docx_text(path.read_bytes())
    path = tmp_path / "bc.docx"
    call_command("render_document", "training_report", "ALPHA", str(YEAR), str(path), stdout=io.StringIO())
    assert "Số: …/BC-ALPHA" in docx_text(path.read_bytes())
    assert not IssuedDocument.objects.exists()
    call_command("render_document", "training_report", "ALPHA", str(YEAR), str(path), "--issue", stdout=io.StringIO())
    assert "Số: 1/BC-ALPHA" in docx_text(path.read_bytes())


def test_an_id_out_of_range_is_404_not_a_server_error(login, api, cast, worlds):
    huge = 2**70
    assert login(cast["hr"]).get(f"/documents/class_list/{huge}/document.docx").status_code == 404
    response = api(cast["hr"]).get(f"/api/v1/documents/class_list/{huge}/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
