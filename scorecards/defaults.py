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
