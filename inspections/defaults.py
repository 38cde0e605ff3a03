"""The three default checklist templates (service culture, discipline, self-inspection), read from
inspections/data/checklist-*.csv (copies of the shared domain files, shipped with the app). They are
starting data an administrator edits: each is loaded once as a published version 1."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from inspections import services
from inspections.models import ChecklistTemplate, TemplateKind, TemplateVersion, VersionStatus
from inspections.services import ItemSpec, SectionSpec

DATA = Path(__file__).resolve().parent / "data"
DEFAULTS = [
    (
        "VHCV",
        "checklist-service-culture.csv",
        TemplateKind.SERVICE_CULTURE,
        "Phiếu kiểm tra văn hóa công vụ",
        "Public-service culture checklist",
    ),
    (
        "KLKC",
        "checklist-discipline.csv",
        TemplateKind.DISCIPLINE,
        "Phiếu kiểm tra kỷ luật, kỷ cương hành chính",
        "Administrative discipline checklist",
    ),
    (
        "TKT",
        "checklist-self-inspection.csv",
        TemplateKind.SELF_INSPECTION,
        "Phiếu tự kiểm tra cải cách hành chính và công vụ",
        "Self-inspection checklist (administrative reform)",
    ),
]


def sections_from_csv(path: Path) -> list[SectionSpec]:
    sections: dict[str, SectionSpec] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = row["section_vi"].strip()
            if key not in sections:
                sections[key] = SectionSpec(
                    code=f"S{len(sections) + 1}", title_vi=key, title_en=row["section_en"].strip(), items=[]
                )
            critical = row["critical"].strip().lower() in ("yes", "true", "1")
            sections[key].items.append(
                ItemSpec(
                    code=row["code"].strip(),
                    text_vi=row["text_vi"].strip(),
                    text_en=row["text_en"].strip(),
                    answer_type=row["answer_type"].strip(),
                    weight=Decimal(row["weight"]),
                    critical=critical,
                    legal_basis=row["basis"].strip(),
                    note_required_on_failure=critical,
                )
            )
    return list(sections.values())


@transaction.atomic
def load_default_templates(*, actor) -> dict[str, TemplateVersion]:
    """Create and publish each default template that does not exist yet; return the published
    version of each, by code."""
    result = {}
    for code, filename, kind, name_vi, name_en in DEFAULTS:
        template = ChecklistTemplate.objects.filter(code=code).first()
        if template is None:
            template = services.template_create(actor=actor, code=code, name_vi=name_vi, name_en=name_en, kind=kind)
            version = template.versions.get()
            services.version_set_content(actor=actor, version=version, sections=sections_from_csv(DATA / filename))
            services.version_publish(actor=actor, version=version)
        result[code] = (
            TemplateVersion.objects.filter(template=template, status=VersionStatus.PUBLISHED)
            .select_related("template")
            .order_by("-number")
            .first()
        )
    return result
