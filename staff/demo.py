"""Demo province shaped like Cao Bằng after the 1/7/2025 two-tier reform.

Deterministic for a given seed. Bulk writes with explicit ids, so the province scale (≈1,500 units,
25,000 staff) loads in seconds. Other apps add their own data in `<app>/demo.py: seed(ctx)`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Max

from core.permissions import Role
from core.text import fold
from staff.models import (
    Gender,
    RoleAssignment,
    Staff,
    StaffCategory,
    StaffStatus,
    StaffUnitHistory,
    Unit,
    UnitKind,
)

DEMO_PASSWORD = "CongVu@2026"

DEPARTMENTS = [
    (
        "VP",
        "Văn phòng UBND tỉnh",
        ["Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Khoa giáo – Văn xã", "Phòng Hành chính – Tổ chức"],
        [],
    ),
    (
        "SNV",
        "Sở Nội vụ",
        [
            "Văn phòng Sở",
            "Phòng Tổ chức – Biên chế",
            "Phòng Công chức – Viên chức",
            "Phòng Cải cách hành chính",
            "Phòng Thi đua – Khen thưởng",
        ],
        ["Chi cục Văn thư – Lưu trữ"],
    ),
    ("STP", "Sở Tư pháp", ["Văn phòng Sở", "Phòng Xây dựng và Kiểm tra văn bản", "Phòng Hành chính tư pháp"], []),
    ("STC", "Sở Tài chính", ["Văn phòng Sở", "Phòng Ngân sách", "Phòng Quản lý giá và Công sản", "Phòng Đầu tư"], []),
    (
        "SCT",
        "Sở Công Thương",
        ["Văn phòng Sở", "Phòng Quản lý thương mại", "Phòng Quản lý năng lượng"],
        ["Chi cục Quản lý thị trường"],
    ),
    (
        "SNNMT",
        "Sở Nông nghiệp và Môi trường",
        ["Văn phòng Sở", "Phòng Kế hoạch – Tài chính", "Phòng Quản lý đất đai", "Phòng Môi trường"],
        ["Chi cục Kiểm lâm", "Chi cục Thủy lợi", "Chi cục Chăn nuôi và Thú y"],
    ),
    ("SXD", "Sở Xây dựng", ["Văn phòng Sở", "Phòng Quản lý xây dựng", "Phòng Quản lý giao thông"], []),
    ("SKHCN", "Sở Khoa học và Công nghệ", ["Văn phòng Sở", "Phòng Quản lý khoa học", "Phòng Chuyển đổi số"], []),
    (
        "SVHTTDL",
        "Sở Văn hóa, Thể thao và Du lịch",
        ["Văn phòng Sở", "Phòng Quản lý văn hóa", "Phòng Quản lý du lịch"],
        [],
    ),
    ("SGDDT", "Sở Giáo dục và Đào tạo", ["Văn phòng Sở", "Phòng Giáo dục trung học", "Phòng Tổ chức cán bộ"], []),
    ("SYT", "Sở Y tế", ["Văn phòng Sở", "Phòng Nghiệp vụ Y", "Phòng Kế hoạch – Tài chính"], ["Chi cục Dân số"]),
    ("TTRA", "Thanh tra tỉnh", ["Văn phòng", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2"], []),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", ["Văn phòng Sở", "Phòng Chính sách dân tộc"], []),
]
PUBLIC_SERVICE = {
    "SGDDT": [
        "Trường THPT Chuyên Cao Bằng",
        "Trường THPT Thành phố Cao Bằng",
        "Trường THPT Hòa An",
        "Trường PT Dân tộc nội trú tỉnh",
    ],
    "SYT": ["Bệnh viện Đa khoa tỉnh Cao Bằng", "Trung tâm Kiểm soát bệnh tật tỉnh", "Bệnh viện Y dược cổ truyền"],
    "SNNMT": ["Trung tâm Khuyến nông"],
    "SNV": ["Trung tâm Lưu trữ lịch sử"],
}
WARDS = ["Thục Phán", "Nùng Trí Cao", "Tân Giang"]
COMMUNES = [
    "Hòa An",
    "Nam Tuấn",
    "Nguyễn Huệ",
    "Bạch Đằng",
    "Bảo Lạc",
    "Cốc Pàng",
    "Cô Ba",
    "Khánh Xuân",
    "Xuân Trường",
    "Hưng Đạo",
    "Huy Giáp",
    "Sơn Lộ",
    "Bảo Lâm",
    "Lý Bôn",
    "Nam Quang",
    "Quảng Lâm",
    "Yên Thổ",
    "Hà Quảng",
    "Trường Hà",
    "Lũng Nặm",
    "Tổng Cọt",
    "Thông Nông",
    "Cần Yên",
    "Thanh Long",
    "Trà Lĩnh",
    "Quang Trung",
    "Trùng Khánh",
    "Đình Phong",
    "Đàm Thủy",
    "Quang Long",
    "Hạ Lang",
    "Lý Quốc",
    "Vinh Quý",
    "Quảng Uyên",
    "Phục Hòa",
    "Hạnh Phúc",
    "Độc Lập",
    "Thạch An",
    "Đông Khê",
    "Canh Tân",
    "Kim Đồng",
    "Đức Long",
    "Nguyên Bình",
    "Tĩnh Túc",
    "Ca Thành",
    "Minh Tâm",
    "Phan Thanh",
    "Thành Công",
    "Tam Kim",
    "Minh Khai",
    "Hưng Thịnh",
    "Bế Văn Đàn",
    "Phong Châu",
]
COMMUNE_OFFICES = [
    "Văn phòng HĐND và UBND",
    "Phòng Kinh tế",
    "Phòng Văn hóa – Xã hội",
    "Trung tâm Phục vụ hành chính công",
]
WARD_OFFICES = [
    "Văn phòng HĐND và UBND",
    "Phòng Kinh tế, Hạ tầng và Đô thị",
    "Phòng Văn hóa – Xã hội",
    "Trung tâm Phục vụ hành chính công",
]

FAMILY = [
    "Nguyễn",
    "Hoàng",
    "Nông",
    "Lương",
    "Bế",
    "Đàm",
    "Lục",
    "Triệu",
    "Mã",
    "Sầm",
    "Lý",
    "Hà",
    "Trần",
    "Lê",
    "Phạm",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đinh",
    "La",
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Thanh", "Quốc", "Xuân", "Hữu", "Trung", "Ngọc", "Công"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Hồng", "Thanh", "Minh", "Kim", "Phương", "Thúy", "Bích"]
GIVEN_M = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hải",
    "Hiếu",
    "Hùng",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phong",
    "Quân",
    "Quang",
    "Sơn",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Toàn",
    "Lâm",
    "Kiên",
    "Tùng",
]
GIVEN_F = [
    "Anh",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngọc",
    "Phương",
    "Tâm",
    "Thảo",
    "Thủy",
    "Trang",
    "Vân",
    "Yến",
    "Huyền",
    "Nhung",
    "Loan",
    "Duyên",
    "Hằng",
    "Liên",
]
RANKS = [
    ("01.001", "Chuyên viên cao cấp", 1),
    ("01.002", "Chuyên viên chính", 12),
    ("01.003", "Chuyên viên", 70),
    ("01.004", "Cán sự", 17),
]
POSITIONS = {
    "lead": ["Giám đốc", "Phó Giám đốc"],
    "division": ["Trưởng phòng", "Phó Trưởng phòng"],
    "commune": ["Chủ tịch UBND", "Phó Chủ tịch UBND"],
}
JOB_POSITIONS = [
    "Chuyên viên tổng hợp",
    "Chuyên viên quản lý nhân sự",
    "Chuyên viên kế hoạch",
    "Kế toán",
    "Văn thư",
    "Chuyên viên pháp chế",
    "Chuyên viên công nghệ thông tin",
    "Chuyên viên một cửa",
]


@dataclass
class SeedContext:
    """Shared between the apps' demo seeders."""

    rng: random.Random
    scale: str
    year: int
    province: Unit | None = None
    users: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _name(rng: random.Random, gender: str) -> str:
    if gender == Gender.FEMALE:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"


class _UnitBuilder:
    def __init__(self, start_pk: int):
        self.next_pk = start_pk
        self.units: list[Unit] = []

    def add(self, code: str, name: str, kind: str, parent: Unit | None) -> Unit:
        pk = self.next_pk
        self.next_pk += 1
        unit = Unit(
            pk=pk,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            path=Unit.path_for(pk, parent.path if parent else ""),
            depth=parent.depth + 1 if parent else 0,
            search_name=fold(name),
        )
        self.units.append(unit)
        return unit


def build_units(ctx: SeedContext) -> list[Unit]:
    start = (Unit.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    b = _UnitBuilder(start)
    province = b.add("CB", "UBND tỉnh Cao Bằng", UnitKind.PROVINCE, None)
    for code, name, divisions, sub_agencies in DEPARTMENTS:
        dept = b.add(code, name, UnitKind.DEPARTMENT, province)
        for i, division in enumerate(divisions, 1):
            b.add(f"{code}-P{i:02d}", f"{division} – {name}", UnitKind.DIVISION, dept)
        for i, agency in enumerate(sub_agencies, 1):
            b.add(f"{code}-CC{i:02d}", agency, UnitKind.DIVISION, dept)
        for i, ps in enumerate(PUBLIC_SERVICE.get(code, []), 1):
            b.add(f"{code}-DV{i:02d}", ps, UnitKind.PUBLIC_SERVICE, dept)
    places = [(w, True) for w in WARDS] + [(c, False) for c in COMMUNES]
    for i, (place, is_ward) in enumerate(places, 1):
        kind_name = "Phường" if is_ward else "Xã"
        commune = b.add(f"XA{i:03d}", f"UBND {kind_name.lower()} {place}", UnitKind.COMMUNE, province)
        offices = WARD_OFFICES if is_ward else COMMUNE_OFFICES
        for j, office in enumerate(offices, 1):
            b.add(f"XA{i:03d}-{j:02d}", f"{office} {kind_name.lower()} {place}", UnitKind.DIVISION, commune)
    if ctx.scale == "province":
        # Up to ≈1,500 units: more public-service units (schools, health stations) per commune.
        communes = [u for u in b.units if u.kind == UnitKind.COMMUNE]
        n = 0
        while len(b.units) < 1500:
            commune = communes[n % len(communes)]
            n += 1
            label = ["Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trạm Y tế", "Trường PTDT bán trú"][n % 5]
            b.add(
                f"{commune.code}-DV{n:04d}",
                f"{label} {commune.name.split(' ', 2)[-1]} {n}",
                UnitKind.PUBLIC_SERVICE,
                commune,
            )
    Unit.objects.bulk_create(b.units, batch_size=500)
    ctx.province = province
    return b.units


def build_staff(ctx: SeedContext, units: list[Unit]) -> list[Staff]:
    rng = ctx.rng
    target = 25_000 if ctx.scale == "province" else 2_150
    weights = []
    for u in units:
        weights.append(
            {
                UnitKind.PROVINCE: 3,
                UnitKind.DEPARTMENT: 4,
                UnitKind.DIVISION: 5,
                UnitKind.COMMUNE: 4,
                UnitKind.PUBLIC_SERVICE: 20,
            }.get(u.kind, 3)
        )
    total_w = sum(weights)
    staff: list[Staff] = []
    seq = 0
    start_pk = (Staff.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    rank_pool = [r for r in RANKS for _ in range(r[2])]
    for unit, w in zip(units, weights, strict=True):
        count = max(2, round(target * w / total_w))
        for k in range(count):
            seq += 1
            gender = Gender.FEMALE if rng.random() < 0.52 else Gender.MALE
            if unit.kind == UnitKind.PUBLIC_SERVICE:
                category = StaffCategory.VIEN_CHUC if rng.random() < 0.9 else StaffCategory.CONTRACT
            elif unit.kind == UnitKind.COMMUNE and k < 2:
                category = StaffCategory.CAN_BO
            else:
                category = StaffCategory.CONG_CHUC if rng.random() < 0.92 else StaffCategory.CONTRACT
            rank_code, rank_name = "", ""
            if category == StaffCategory.CONG_CHUC:
                rank_code, rank_name, _w = rng.choice(rank_pool)
            elif category == StaffCategory.VIEN_CHUC:
                rank_name = rng.choice(["Viên chức hạng II", "Viên chức hạng III", "Viên chức hạng IV"])
            title = ""
            if k == 0:
                title = {
                    UnitKind.DEPARTMENT: "Giám đốc",
                    UnitKind.DIVISION: "Trưởng phòng",
                    UnitKind.COMMUNE: "Chủ tịch UBND",
                    UnitKind.PUBLIC_SERVICE: "Giám đốc"
                    if "Bệnh viện" in unit.name or "Trung tâm" in unit.name
                    else "Hiệu trưởng",
                    UnitKind.PROVINCE: "Chủ tịch UBND tỉnh",
                }.get(unit.kind, "")
            elif k == 1:
                title = {
                    UnitKind.DEPARTMENT: "Phó Giám đốc",
                    UnitKind.DIVISION: "Phó Trưởng phòng",
                    UnitKind.COMMUNE: "Phó Chủ tịch UBND",
                    UnitKind.PROVINCE: "Phó Chủ tịch UBND tỉnh",
                }.get(unit.kind, "")
            birth = dt.date(rng.randint(1966, 2001), rng.randint(1, 12), rng.randint(1, 28))
            start = dt.date(max(birth.year + 22, rng.randint(1990, ctx.year - 1)), rng.randint(1, 12), 1)
            full_name = _name(rng, gender)
            status = StaffStatus.ACTIVE if rng.random() > 0.01 else StaffStatus.LEFT
            staff.append(
                Staff(
                    pk=start_pk + seq - 1,
                    staff_code=f"CB{seq:06d}",
                    full_name=full_name,
                    search_name=fold(full_name),
                    gender=gender,
                    date_of_birth=birth,
                    unit=unit,
                    category=category,
                    job_position=rng.choice(JOB_POSITIONS)
                    if category != StaffCategory.VIEN_CHUC
                    else "Viên chức chuyên môn",
                    rank_code=rank_code,
                    rank_name=rank_name,
                    position_title=title,
                    email=f"cb{seq:06d}@caobang.gov.vn",
                    phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                    start_date=start,
                    status=status,
                )
            )
    Staff.objects.bulk_create(staff, batch_size=1000)
    history = [StaffUnitHistory(staff=s, unit=s.unit, start_date=s.start_date) for s in staff]
    first_row = {id(h.staff): h for h in history}
    # A few transfers during the year, so figures per period use the unit history.
    movers = rng.sample(staff, k=max(5, len(staff) // 100))
    division_units = [u for u in units if u.kind == UnitKind.DIVISION]
    moved = []
    for s in movers:
        new_unit = rng.choice(division_units)
        if new_unit.pk == s.unit_id:
            continue
        when = dt.date(ctx.year, rng.randint(2, 10), 1)
        first_row[id(s)].end_date = when - dt.timedelta(days=1)
        history.append(StaffUnitHistory(staff=s, unit=new_unit, start_date=when))
        s.unit = new_unit
        moved.append(s)
    StaffUnitHistory.objects.bulk_create(history, batch_size=2000)
    Staff.objects.bulk_update(moved, ["unit"], batch_size=500)
    return staff


def build_users(ctx: SeedContext, units: list[Unit], staff: list[Staff]) -> None:
    user_model = get_user_model()
    by_code = {u.code: u for u in units}

    def make(username, first, last, *, superuser=False, person=None):
        user = user_model(
            username=username,
            first_name=first,
            last_name=last,
            is_staff=superuser,
            is_superuser=superuser,
            email=f"{username}@caobang.gov.vn",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if person is not None:
            # The account is this person: the staff record carries the name the account greets with.
            person.user = user
            person.full_name = f"{first} {last}"
            person.search_name = fold(person.full_name)
            person.gender = Gender.FEMALE if " Thị" in f" {first} " else Gender.MALE
            person.save(update_fields=["user", "full_name", "search_name", "gender"])
        ctx.users[username] = user
        return user

    def person_in(unit_code):
        return next(
            s
            for s in staff
            if s.unit_id == by_code[unit_code].pk and s.user_id is None and s.status == StaffStatus.ACTIVE
        )

    grants = []
    admin = make("admin", "Quản trị", "hệ thống", superuser=True)
    grants.append(RoleAssignment(user=admin, role=Role.ADMIN, unit=ctx.province))
    hr = make("hr", "Nông Thị", "Hạnh", person=person_in("SYT-P01"))
    grants.append(RoleAssignment(user=hr, role=Role.HR, unit=by_code["SYT"]))
    hr_province = make("hr.tinh", "Lương Văn", "Minh", person=person_in("SNV-P03"))
    grants.append(RoleAssignment(user=hr_province, role=Role.HR, unit=ctx.province))
    inspector = make("inspector", "Hoàng Đức", "Thắng", person=person_in("SNV-P04"))
    for code in ("XA001", "XA004", "XA005", "XA010", "XA027"):
        grants.append(RoleAssignment(user=inspector, role=Role.INSPECTOR, unit=by_code[code]))
    lead = make("inspector.lead", "Bế Thị", "Lan", person=person_in("TTRA-P02"))
    grants.append(RoleAssignment(user=lead, role=Role.INSPECTOR, unit=ctx.province))
    head = make("unithead", "Đàm Quốc", "Hùng", person=person_in("SGDDT"))
    grants.append(RoleAssignment(user=head, role=Role.UNIT_HEAD, unit=by_code["SGDDT"]))
    commune_head = make("unithead.xa", "Triệu Văn", "Long", person=person_in("XA004"))
    grants.append(RoleAssignment(user=commune_head, role=Role.UNIT_HEAD, unit=by_code["XA004"]))
    member = make("staff", "Lục Thị", "Mai", person=person_in("SGDDT-DV01"))
    grants.append(RoleAssignment(user=member, role=Role.STAFF, unit=by_code["SGDDT-DV01"], include_subunits=False))
    appraiser = make("thamdinh", "Vi Thị", "Thu", person=person_in("SNV-P03"))
    grants.append(RoleAssignment(user=appraiser, role=Role.APPRAISER, unit=ctx.province))
    RoleAssignment.objects.bulk_create(grants)


DISCIPLINE_FORMS = [("reprimand", 5), ("warning", 2), ("dismissal", 1)]


def build_discipline(ctx: SeedContext, staff: list[Staff]) -> int:
    """A few discipline decisions (Decree 172/2025) in the demo year, most of them reprimands."""
    from core import audit
    from staff.models import DisciplineDecision

    rng = ctx.rng
    people = [s for s in staff if s.status == StaffStatus.ACTIVE and s.user_id is None]
    count = 8 if ctx.scale == "demo" else 60
    chosen = rng.sample(people, min(count, len(people)))
    forms = [f for f, weight in DISCIPLINE_FORMS for _ in range(weight)]
    decisions = []
    for index, person in enumerate(chosen, 1):
        day = min(dt.date(ctx.year, rng.randint(1, 9), rng.randint(1, 28)), dt.date.today())
        decisions.append(
            DisciplineDecision(
                staff=person,
                form=rng.choice(forms),
                decision_number=f"{index:02d}/QĐ-KL",
                decision_date=day,
                issuing_body=f"Thủ trưởng {person.unit.name}",
                effective_from=day,
                effective_until=day + dt.timedelta(days=365),
                reason="Vi phạm nội quy, quy chế văn hóa công sở",
            )
        )
    audit.bulk_create(DisciplineDecision, decisions)
    return len(decisions)


def seed(ctx: SeedContext) -> None:
    units = build_units(ctx)
    staff = build_staff(ctx, units)
    build_users(ctx, units, staff)
    decisions = build_discipline(ctx, staff)
    ctx.notes.append(f"{len(units)} units, {len(staff)} staff, {decisions} discipline decisions")


DEMO_LOGINS = [
    ("admin", "Administrator (whole province)"),
    ("hr", "HR officer, Sở Y tế and its units"),
    ("hr.tinh", "HR officer, whole province (Sở Nội vụ)"),
    ("inspector", "Inspector, five communes"),
    ("inspector.lead", "Lead inspector, whole province (Thanh tra tỉnh)"),
    ("unithead", "Unit head, Sở Giáo dục và Đào tạo and its schools"),
    ("unithead.xa", "Unit head, UBND xã Hòa An"),
    ("staff", "Staff member (own record only)"),
    ("thamdinh", "Appraiser, whole province (Sở Nội vụ): rounds, indicators"),
]
