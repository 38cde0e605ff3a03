"""The default scorecard method (used for the first model and whenever a year has none yet).

Weights are points out of 100: 50 for each pillar. Targets are percentages. Bands follow the ladder
of Decree 335/2025/NĐ-CP (≥ 90 excellent, 70–< 90 good, 50–< 70 satisfactory, < 50 not satisfactory).
"""

from scorecards import engine

LEGAL_BASIS = "Nghị định 335/2025/NĐ-CP; Nghị định 171/2025/NĐ-CP; Quyết định 1847/QĐ-TTg"
NAME_VI = "Bảng điểm năng lực và văn hóa công vụ"

# key, pillar, formula, weight, target, label (vi), label (en)
CRITERIA = [
    (
        "hours",
        engine.CAPABILITY,
        "hours_met_share",
        15,
        90,
        "Tỷ lệ công chức đạt số giờ bồi dưỡng trong năm",
        "Share of staff meeting the yearly training hours",
    ),
    (
        "mandatory",
        engine.CAPABILITY,
        "mandatory_completion",
        15,
        95,
        "Tỷ lệ hoàn thành khóa bồi dưỡng bắt buộc",
        "Mandatory courses completed",
    ),
    ("attendance", engine.CAPABILITY, "attendance_rate", 10, 95, "Tỷ lệ chuyên cần", "Attendance rate"),
    (
        "certificates",
        engine.CAPABILITY,
        "certificate_pass_rate",
        10,
        90,
        "Tỷ lệ đạt chứng chỉ",
        "Certificate pass rate",
    ),
    (
        "service_culture",
        engine.SERVICE_CULTURE,
        "service_culture_score",
        15,
        90,
        "Điểm kiểm tra văn hóa công vụ",
        "Service-culture checklist score",
    ),
    (
        "discipline",
        engine.SERVICE_CULTURE,
        "discipline_score",
        15,
        90,
        "Điểm kiểm tra kỷ luật, kỷ cương hành chính",
        "Discipline checklist score",
    ),
    (
        "actions",
        engine.SERVICE_CULTURE,
        "actions_on_time",
        10,
        90,
        "Tỷ lệ biện pháp khắc phục hoàn thành đúng hạn",
        "Corrective actions closed on time",
    ),
    (
        "self_inspections",
        engine.SERVICE_CULTURE,
        "self_inspections_on_time",
        10,
        100,
        "Tỷ lệ tự kiểm tra nộp đúng hạn",
        "Self-inspections submitted on time",
    ),
]


def criterion_rows() -> list[dict]:
    return [
        {
            "key": key,
            "pillar": pillar,
            "formula": formula,
            "weight": weight,
            "target": target,
            "label_vi": vi,
            "label_en": en,
            "direction": engine.HIGHER,
            "order": index,
        }
        for index, (key, pillar, formula, weight, target, vi, en) in enumerate(CRITERIA, 1)
    ]


def spec(year: int) -> engine.ModelSpec:
    return engine.ModelSpec(
        year=year,
        criteria=tuple(
            engine.CriterionSpec(
                key=r["key"],
                pillar=r["pillar"],
                formula=r["formula"],
                weight=float(r["weight"]),
                target=float(r["target"]),
                direction=r["direction"],
                label_vi=r["label_vi"],
                label_en=r["label_en"],
            )
            for r in criterion_rows()
        ),
    )


# The province's administrative-reform (CCHC) criteria, added to a model on request (the demo adds them):
# indicators brought in from other systems, the discipline of staff, and a self-assessed criterion.
# key, pillar, formula, weight, target, direction, indicator code, label (vi), label (en)
CCHC_CRITERIA = [
    ("late_dossiers", engine.SERVICE_CULTURE, "indicator", 5, 5, engine.LOWER, "late_dossiers",
     "Tỷ lệ hồ sơ giải quyết trễ hạn", "Late dossiers"),
    ("online_dossiers", engine.SERVICE_CULTURE, "indicator", 5, 80, engine.HIGHER, "online_dossiers",
     "Tỷ lệ hồ sơ trực tuyến", "Online dossiers"),
    ("online_payments", engine.SERVICE_CULTURE, "indicator", 3, 60, engine.HIGHER, "online_payments",
     "Tỷ lệ thanh toán trực tuyến", "Online payments"),
    ("sipas", engine.SERVICE_CULTURE, "indicator", 4, 85, engine.HIGHER, "sipas",
     "Chỉ số hài lòng của người dân (SIPAS)", "Citizens' satisfaction (SIPAS)"),
    ("report_regularity", engine.SERVICE_CULTURE, "indicator", 3, 100, engine.HIGHER, "report_regularity",
     "Báo cáo CCHC đúng hạn", "CCHC reports on time"),
    ("no_discipline", engine.SERVICE_CULTURE, "no_discipline_share", 5, 100, engine.HIGHER, "",
     "Tỷ lệ CBCCVC không bị kỷ luật trong kỳ", "Staff without a discipline decision in the period"),
    ("cchc_direction", engine.CAPABILITY, "self_assessed", 5, 90, engine.HIGHER, "",
     "Công tác chỉ đạo, điều hành CCHC (tự đánh giá)", "Direction of administrative reform (self-assessed)"),
]  # fmt: skip


def cchc_criterion_rows(start_order: int = 100) -> list[dict]:
    """The CCHC criteria as rows for scorecards.services.scorecard_model_update (indicator by code)."""
    return [
        {
            "key": key,
            "pillar": pillar,
            "formula": formula,
            "weight": weight,
            "target": target,
            "direction": direction,
            "indicator": indicator or None,
            "label_vi": vi,
            "label_en": en,
            "order": start_order + index,
        }
        for index, (key, pillar, formula, weight, target, direction, indicator, vi, en) in enumerate(CCHC_CRITERIA)
    ]


# The indicators the CCHC criteria read (also created by migration 0007_cchc_indicators):
# code, Vietnamese name, English name, direction, usual source
INDICATORS = [
    ("late_dossiers", "Tỷ lệ hồ sơ trễ hạn", "Late dossiers", engine.LOWER, "Hệ thống thông tin giải quyết TTHC"),
    ("online_dossiers", "Tỷ lệ hồ sơ trực tuyến", "Online dossiers", engine.HIGHER, "Cổng dịch vụ công"),
    ("online_payments", "Tỷ lệ thanh toán trực tuyến", "Online payments", engine.HIGHER, "Cổng dịch vụ công"),
    ("sipas", "Chỉ số hài lòng của người dân (SIPAS)", "Citizens' satisfaction index (SIPAS)", engine.HIGHER,
     "Khảo sát SIPAS"),
    ("report_regularity", "Tỷ lệ báo cáo CCHC đúng hạn", "CCHC reports on time", engine.HIGHER, "Sở Nội vụ"),
]  # fmt: skip
