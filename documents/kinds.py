"""The registry of document kinds: what each document is called, which record it is made from, how it
is numbered, its placeholders and its body (documents.blocks). One entry per kind; the shipped Word
templates, the print pages, the downloads, the API and `render_document` all read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from documents.blocks import Heading, P, Photos, Table

# Placeholders every document has: the Decree 30/2020 header, number, place and date, title, recipients, signer.
COMMON_PLACEHOLDERS: dict[str, str] = {
    "parent_body": "Cơ quan, tổ chức chủ quản (dòng trên, bên trái)",
    "issuing_body": "Cơ quan, tổ chức ban hành (in đậm)",
    "number": "Số văn bản, ví dụ 12/BB-ĐKT",
    "place": "Địa danh, ví dụ Cao Bằng",
    "day": "Ngày ban hành",
    "month": "Tháng ban hành",
    "year": "Năm ban hành",
    "title": "Tên loại và trích yếu",
    "recipients": "Nơi nhận (danh sách)",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
}

RECORD_KINDS = ("certificate", "class", "assignment", "inspection")
REPORT = "report"


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    app: str  # "training", "inspections" or "reports"
    record: str  # one of RECORD_KINDS, or REPORT (made from a unit subtree and a period)
    abbreviation: str  # of the document type in its number: QĐ, TB, BB, BC, GCN, DS
    title: str
    placeholders: dict[str, str]
    body: list
    numbered: bool = True
    issuer_suffix: str = ""  # after the dash in the number; empty: the issuing unit's code
    landscape: bool = False
    period_hint: str = ""
    build: Callable | None = field(default=None, compare=False)

    @property
    def known_placeholders(self) -> set[str]:
        return set(COMMON_PLACEHOLDERS) | set(self.placeholders)

    @property
    def all_placeholders(self) -> dict[str, str]:
        return {**COMMON_PLACEHOLDERS, **self.placeholders}

    @property
    def is_report(self) -> bool:
        return self.record == REPORT


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> DocumentKind | None:
    return KINDS.get(code)


# ------------------------------------------------------------------------------------------ training
register(
    DocumentKind(
        code="certificate",
        label=_("Certificate (giấy chứng nhận / chứng chỉ)"),
        app="training",
        record="certificate",
        abbreviation="GCN",
        numbered=False,  # certificates carry their own yearly serial
        title="GIẤY CHỨNG NHẬN",
        landscape=True,
        placeholders={
            "holder_name": "Họ và tên người được cấp",
            "holder_dob": "Ngày sinh (dd/mm/yyyy)",
            "holder_unit": "Đơn vị công tác",
            "course_title": "Tên khóa học",
            "class_code": "Mã lớp",
            "start_date": "Ngày khai giảng",
            "end_date": "Ngày kết thúc",
            "score": "Điểm (nếu có)",
            "serial": "Số hiệu (số vào sổ)",
            "verify_url": "Địa chỉ trang tra cứu",
            "qr": "Mã QR của trang tra cứu (hình)",
            "valid_until": "Có giá trị đến (nếu có)",
            "revoked": "Dòng “ĐÃ THU HỒI ngày …” (chỉ khi đã thu hồi)",
        },
        body=[
            P("Chứng nhận Ông/Bà: {{ holder_name }}", bold=True, center=True),
            P("Ngày sinh: {{ holder_dob }}", center=True),
            P("Đơn vị công tác: {{ holder_unit }}", center=True),
            P("Đã hoàn thành khóa bồi dưỡng: {{ course_title }}", center=True),
            P("Lớp {{ class_code }}, từ ngày {{ start_date }} đến ngày {{ end_date }}. {{ score }}", center=True),
            P("{{ valid_until }}", center=True),
            P("{{ revoked }}", bold=True, center=True),
            P("Số hiệu: {{ serial }}", italic=True),
            P("{{ qr }}"),
            P("Tra cứu: {{ verify_url }}", italic=True),
        ],
    )
)
register(
    DocumentKind(
        code="class_list",
        label=_("List of learners who completed a class"),
        app="training",
        record="class",
        abbreviation="DS",
        numbered=False,
        title="DANH SÁCH HỌC VIÊN HOÀN THÀNH KHÓA BỒI DƯỠNG",
        placeholders={
            "course_title": "Tên khóa học",
            "class_code": "Mã lớp",
            "start_date": "Ngày khai giảng",
            "end_date": "Ngày kết thúc",
            "learners": "Danh sách học viên (stt, name, dob, unit, score, certificate)",
            "learner_count": "Số học viên",
        },
        body=[
            P("Khóa: {{ course_title }} - Lớp {{ class_code }} (từ {{ start_date }} đến {{ end_date }})", center=True),
            Table(
                headers=["STT", "Họ và tên", "Ngày sinh", "Đơn vị", "Điểm", "Số hiệu"],
                loop="r in learners",
                cells=[
                    "{{ r.stt }}",
                    "{{ r.name }}",
                    "{{ r.dob }}",
                    "{{ r.unit }}",
                    "{{ r.score }}",
                    "{{ r.certificate }}",
                ],
            ),
            P("Tổng số: {{ learner_count }} học viên.", bold=True),
        ],
    )
)
register(
    DocumentKind(
        code="class_opening",
        label=_("Decision to open a class (quyết định mở lớp)"),
        app="training",
        record="class",
        abbreviation="QĐ",
        title="QUYẾT ĐỊNH",
        placeholders={
            "subject": "Trích yếu",
            "course_title": "Tên khóa học",
            "class_code": "Mã lớp",
            "start_date": "Ngày khai giảng",
            "end_date": "Ngày kết thúc",
            "venue": "Địa điểm",
            "legal_basis": "Căn cứ",
            "learners": "Danh sách học viên (stt, name, dob, unit, position)",
            "learner_count": "Số học viên",
        },
        body=[
            P("{{ subject }}", bold=True, center=True),
            P("Căn cứ {{ legal_basis }};", italic=True),
            P("QUYẾT ĐỊNH:", bold=True, center=True),
            P(
                "Điều 1. Mở lớp {{ course_title }} (mã lớp {{ class_code }}), thời gian từ ngày {{ start_date }} "
                "đến ngày {{ end_date }}, tại {{ venue }}, cho {{ learner_count }} học viên có tên trong danh sách kèm theo."
            ),
            P("Điều 2. Học viên có trách nhiệm tham gia đầy đủ chương trình, thực hiện nội quy lớp học."),
            P(
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Các cơ quan, đơn vị và cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành."
            ),
            Heading("DANH SÁCH HỌC VIÊN"),
            Table(
                headers=["STT", "Họ và tên", "Ngày sinh", "Đơn vị", "Chức vụ"],
                loop="r in learners",
                cells=["{{ r.stt }}", "{{ r.name }}", "{{ r.dob }}", "{{ r.unit }}", "{{ r.position }}"],
            ),
        ],
    )
)

# --------------------------------------------------------------------------------------- inspections
register(
    DocumentKind(
        code="team_decision",
        label=_("Decision forming the inspection team"),
        app="inspections",
        record="assignment",
        abbreviation="QĐ",
        title="QUYẾT ĐỊNH",
        placeholders={
            "subject": "Trích yếu",
            "plan_name": "Kế hoạch kiểm tra",
            "inspected_unit": "Đơn vị được kiểm tra",
            "checklist": "Nội dung kiểm tra (bộ tiêu chí)",
            "due_date": "Hạn hoàn thành",
            "members": "Thành viên đoàn (stt, name, role)",
        },
        body=[
            P("{{ subject }}", bold=True, center=True),
            P("Căn cứ {{ plan_name }};", italic=True),
            P("QUYẾT ĐỊNH:", bold=True, center=True),
            P("Điều 1. Thành lập Đoàn kiểm tra tại {{ inspected_unit }}, gồm các ông (bà) có tên sau:"),
            Table(
                headers=["STT", "Họ và tên", "Nhiệm vụ"],
                loop="m in members",
                cells=["{{ m.stt }}", "{{ m.name }}", "{{ m.role }}"],
            ),
            P(
                "Điều 2. Đoàn kiểm tra có nhiệm vụ kiểm tra nội dung: {{ checklist }}; hoàn thành trước ngày {{ due_date }}."
            ),
            P(
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Các ông (bà) có tên tại Điều 1 và đơn vị được kiểm tra chịu trách nhiệm thi hành."
            ),
        ],
    )
)
register(
    DocumentKind(
        code="inspection_notice",
        label=_("Notice of inspection to the unit"),
        app="inspections",
        record="assignment",
        abbreviation="TB",
        title="THÔNG BÁO",
        placeholders={
            "subject": "Trích yếu",
            "inspected_unit": "Đơn vị được kiểm tra",
            "plan_name": "Kế hoạch kiểm tra",
            "checklist": "Nội dung kiểm tra",
            "due_date": "Thời hạn",
            "lead_name": "Trưởng đoàn",
        },
        body=[
            P("{{ subject }}", bold=True, center=True),
            P("Kính gửi: {{ inspected_unit }}", center=True),
            P(
                "Thực hiện {{ plan_name }}, Đoàn kiểm tra do ông (bà) {{ lead_name }} làm Trưởng đoàn sẽ kiểm tra tại đơn vị."
            ),
            P("Nội dung kiểm tra: {{ checklist }}. Thời gian: trước ngày {{ due_date }}."),
            P("Đề nghị đơn vị chuẩn bị hồ sơ, tài liệu và bố trí người làm việc với Đoàn kiểm tra."),
        ],
    )
)
register(
    DocumentKind(
        code="inspection_minutes",
        label=_("Inspection record (biên bản kiểm tra)"),
        app="inspections",
        record="inspection",
        abbreviation="BB",
        issuer_suffix="ĐKT",
        title="BIÊN BẢN KIỂM TRA",
        placeholders={
            "checklist": "Nội dung kiểm tra (bộ tiêu chí)",
            "inspected_unit": "Đơn vị được kiểm tra",
            "start_time": "Giờ bắt đầu",
            "end_time": "Giờ kết thúc",
            "inspected_on": "Ngày kiểm tra",
            "venue": "Địa điểm",
            "present": "Thành phần tham dự (name, role)",
            "results": "Kết quả theo nội dung (code, item, basis, answer, score, note)",
            "critical": "Ghi chú khi có tiêu chí bắt buộc không đạt",
            "total_percent": "Tổng điểm (%)",
            "band": "Xếp loại",
            "findings": "Tồn tại, hạn chế (stt, text)",
            "conclusion": "Kết luận",
            "photos": "Ảnh minh chứng (phụ lục)",
            "lead_name": "Trưởng đoàn",
        },
        body=[
            P("Về việc kiểm tra {{ checklist }}", bold=True, center=True),
            P(
                "Hôm nay, hồi {{ start_time }} ngày {{ inspected_on }}, tại {{ venue }}, Đoàn kiểm tra tiến hành kiểm tra {{ inspected_unit }}."
            ),
            Heading("Thành phần tham dự"),
            P("- {{ m.name }}: {{ m.role }}", loop="m in present"),
            Heading("I. Nội dung và kết quả kiểm tra"),
            Table(
                headers=["Mã", "Nội dung", "Căn cứ", "Kết quả", "Điểm", "Ghi chú"],
                loop="r in results",
                cells=[
                    "{{ r.code }}",
                    "{{ r.item }}",
                    "{{ r.basis }}",
                    "{{ r.answer }}",
                    "{{ r.score }}",
                    "{{ r.note }}",
                ],
            ),
            P("Tổng điểm: {{ total_percent }} %. Xếp loại: {{ band }}. {{ critical }}", bold=True),
            Heading("II. Tồn tại, hạn chế"),
            P("{{ f.stt }}. {{ f.text }}", loop="f in findings"),
            Heading("III. Kết luận"),
            P("{{ conclusion }}"),
            P(
                "Biên bản kết thúc hồi {{ end_time }} cùng ngày, được lập thành 02 bản có giá trị như nhau, đơn vị được kiểm tra giữ 01 bản, Đoàn kiểm tra giữ 01 bản."
            ),
            Heading("PHỤ LỤC: ẢNH MINH CHỨNG"),
            Photos(),
        ],
    )
)
register(
    DocumentKind(
        code="conclusion_notice",
        label=_("Notice of conclusions (thông báo kết luận)"),
        app="inspections",
        record="inspection",
        abbreviation="TB",
        title="THÔNG BÁO",
        placeholders={
            "subject": "Trích yếu",
            "inspected_unit": "Đơn vị được kiểm tra",
            "inspected_on": "Ngày kiểm tra",
            "total_percent": "Tổng điểm (%)",
            "band": "Xếp loại",
            "conclusion": "Kết luận",
            "actions": "Biện pháp khắc phục (stt, finding, action, unit, due)",
        },
        body=[
            P("{{ subject }}", bold=True, center=True),
            P(
                "Ngày {{ inspected_on }}, Đoàn kiểm tra đã kiểm tra tại {{ inspected_unit }}. Kết quả: {{ total_percent }} %, xếp loại {{ band }}."
            ),
            Heading("I. Kết luận"),
            P("{{ conclusion }}"),
            Heading("II. Yêu cầu khắc phục"),
            Table(
                headers=["STT", "Tồn tại", "Biện pháp khắc phục", "Đơn vị thực hiện", "Thời hạn"],
                loop="a in actions",
                cells=["{{ a.stt }}", "{{ a.finding }}", "{{ a.action }}", "{{ a.unit }}", "{{ a.due }}"],
            ),
            P("Đề nghị đơn vị thực hiện và báo cáo kết quả khắc phục trước thời hạn nêu trên."),
        ],
    )
)

# ------------------------------------------------------------------------------------------- reports
register(
    DocumentKind(
        code="training_report",
        label=_("Yearly training report of a unit subtree"),
        app="reports",
        record=REPORT,
        abbreviation="BC",
        title="BÁO CÁO",
        period_hint="2026",
        placeholders={
            "subject": "Trích yếu",
            "report_unit": "Đơn vị báo cáo",
            "period_label": "Kỳ báo cáo",
            "by_group": "Theo nhóm nội dung (group, learners, tiet, classes)",
            "by_category": "Theo đối tượng (category, learners, tiet)",
            "total_learners": "Tổng lượt học viên",
            "total_tiet": "Tổng số tiết",
            "planned_classes": "Số lớp theo kế hoạch",
            "done_classes": "Số lớp đã hoàn thành",
            "planned_learners": "Số học viên theo kế hoạch",
            "ministry_table": (
                "Biểu tổng hợp theo chế độ báo cáo ngành Nội vụ: theo nhóm nội dung (stt, group, plan, all, "
                "can_bo, cong_chuc, vien_chuc, percent, tiet), dòng cuối là tổng cộng"
            ),
        },
        body=[
            P("{{ subject }}", bold=True, center=True),
            P("Đơn vị: {{ report_unit }}. Kỳ báo cáo: {{ period_label }}."),
            Heading("I. Kết quả so với kế hoạch"),
            P(
                "Số lớp: {{ done_classes }}/{{ planned_classes }} lớp theo kế hoạch; lượt học viên hoàn thành: {{ total_learners }}/{{ planned_learners }}; tổng số tiết: {{ total_tiet }}."
            ),
            Heading("II. Theo nhóm nội dung bồi dưỡng"),
            Table(
                headers=["Nhóm nội dung", "Số lớp", "Lượt học viên", "Số tiết"],
                loop="r in by_group",
                cells=["{{ r.group }}", "{{ r.classes }}", "{{ r.learners }}", "{{ r.tiet }}"],
            ),
            Heading("III. Theo đối tượng"),
            Table(
                headers=["Đối tượng", "Lượt học viên", "Số tiết"],
                loop="r in by_category",
                cells=["{{ r.category }}", "{{ r.learners }}", "{{ r.tiet }}"],
            ),
            Heading("IV. Biểu tổng hợp số lượt CBCCVC được bồi dưỡng theo nội dung và đối tượng"),
            P(
                "Theo chế độ báo cáo thống kê ngành Nội vụ; đơn vị tính: lượt người; không gồm người lao động hợp đồng.",
                italic=True,
            ),
            Table(
                headers=[
                    "STT",
                    "Nội dung bồi dưỡng",
                    "Kế hoạch (lượt)",
                    "Thực hiện: tổng số",
                    "Cán bộ",
                    "Công chức",
                    "Viên chức",
                    "Tỷ lệ so với kế hoạch",
                    "Số tiết",
                ],
                loop="r in ministry_table",
                cells=[
                    "{{ r.stt }}",
                    "{{ r.group }}",
                    "{{ r.plan }}",
                    "{{ r.all }}",
                    "{{ r.can_bo }}",
                    "{{ r.cong_chuc }}",
                    "{{ r.vien_chuc }}",
                    "{{ r.percent }}",
                    "{{ r.tiet }}",
                ],
            ),
            Heading("V. Đánh giá, kiến nghị"),
            P("(Đơn vị tự viết)", italic=True),
        ],
    )
)
register(
    DocumentKind(
        code="inspection_report",
        label=_("Inspection report of a period"),
        app="reports",
        record=REPORT,
        abbreviation="BC",
        title="BÁO CÁO",
        period_hint="2026-Q1",
        placeholders={
            "subject": "Trích yếu",
            "report_unit": "Đơn vị báo cáo",
            "period_label": "Kỳ báo cáo",
            "units_total": "Số đơn vị trong phạm vi",
            "units_inspected": "Số đơn vị đã kiểm tra",
            "coverage": "Tỷ lệ bao phủ (%)",
            "inspection_count": "Số cuộc kiểm tra",
            "by_band": "Kết quả theo xếp loại (band, count)",
            "finding_count": "Số tồn tại phát hiện",
            "actions_done": "Số biện pháp đã hoàn thành",
            "actions_overdue": "Số biện pháp quá hạn",
            "actions_open": "Số biện pháp đang thực hiện",
            "inspected": "Đơn vị đã kiểm tra (unit, date, percent, band)",
        },
        body=[
            P("{{ subject }}", bold=True, center=True),
            P("Đơn vị: {{ report_unit }}. Kỳ báo cáo: {{ period_label }}."),
            Heading("I. Kết quả kiểm tra"),
            P(
                "Đã kiểm tra {{ units_inspected }}/{{ units_total }} đơn vị (bao phủ {{ coverage }} %), {{ inspection_count }} cuộc kiểm tra."
            ),
            Table(headers=["Xếp loại", "Số cuộc"], loop="r in by_band", cells=["{{ r.band }}", "{{ r.count }}"]),
            Table(
                headers=["Đơn vị", "Ngày", "Điểm (%)", "Xếp loại"],
                loop="r in inspected",
                cells=["{{ r.unit }}", "{{ r.date }}", "{{ r.percent }}", "{{ r.band }}"],
            ),
            Heading("II. Tồn tại và khắc phục"),
            P(
                "Phát hiện {{ finding_count }} tồn tại; biện pháp khắc phục: {{ actions_done }} đã hoàn thành, {{ actions_open }} đang thực hiện, {{ actions_overdue }} quá hạn."
            ),
            Heading("III. Đề xuất, kiến nghị"),
            P("(Đơn vị tự viết)", italic=True),
        ],
    )
)
register(
    DocumentKind(
        code="cchc_report",
        label=_("Quarterly administrative reform (CCHC) report of a unit"),
        app="reports",
        record=REPORT,
        abbreviation="BC",
        title="BÁO CÁO",
        period_hint="2026-Q1",
        placeholders={
            "subject": "Trích yếu",
            "report_unit": "Đơn vị báo cáo",
            "period_label": "Kỳ báo cáo",
            "total": "Tổng điểm",
            "band": "Xếp loại",
            "rank": "Xếp hạng",
            "headcount": "Số cán bộ",
            "criteria": "Chỉ số (label, value, target, weight)",
        },
        body=[
            P("{{ subject }}", bold=True, center=True),
            P("Đơn vị: {{ report_unit }}. Kỳ báo cáo: {{ period_label }}."),
            Heading("I. Kết quả chỉ số cải cách hành chính"),
            P("Tổng điểm: {{ total }}; xếp loại: {{ band }}; xếp hạng: {{ rank }}; số cán bộ: {{ headcount }}."),
            Table(
                headers=["Chỉ số", "Giá trị", "Mục tiêu", "Trọng số"],
                loop="c in criteria",
                cells=["{{ c.label }}", "{{ c.value }}", "{{ c.target }}", "{{ c.weight }}"],
            ),
            Heading("II. Kết quả thực hiện các nhiệm vụ cải cách hành chính"),
            P("(Đơn vị tự viết)", italic=True),
            Heading("III. Tồn tại, hạn chế và nguyên nhân"),
            P("(Đơn vị tự viết)", italic=True),
            Heading("IV. Phương hướng, nhiệm vụ quý tới"),
            P("(Đơn vị tự viết)", italic=True),
        ],
    )
)
