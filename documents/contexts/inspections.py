"""The inspection team decision, the notice of inspection, the biên bản and the notice of conclusions,
read through inspections' selectors (scoped: another unit's record is a 404)."""

from __future__ import annotations

from django.urls import reverse

from documents.contexts.common import fmt_date, fmt_num, header
from documents.kinds import KINDS
from documents.rendering import Document, Photo
from documents.selectors import details_get
from inspections import selectors
from inspections.messages import answer_label
from inspections.models import Evidence

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/bmp")


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _assignment_common(kind_code: str, *, user, record_id: int) -> tuple:
    kind = KINDS[kind_code]
    assignment = selectors.assignment_get(user=user, pk=record_id)
    issuer = assignment.plan.unit
    context = header(
        user=user,
        kind=kind,
        unit=issuer,
        record_key=str(assignment.pk),
        recipients=[assignment.unit.name, "Thành viên Đoàn kiểm tra"],
    )
    context.update(
        plan_name=assignment.plan.name,
        inspected_unit=assignment.unit.name,
        checklist=assignment.template_version.template.name_vi,
        due_date=fmt_date(assignment.due_date),
        lead_name=_name(assignment.lead),
    )
    return kind, assignment, issuer, context


def team_decision(*, user, record_id: int, base_url: str) -> Document:
    kind, assignment, issuer, context = _assignment_common("team_decision", user=user, record_id=record_id)
    members = [{"name": _name(assignment.lead), "role": "Trưởng đoàn"}] if assignment.lead else []
    members += [
        {"name": _name(m), "role": "Thành viên"} for m in assignment.members.all() if m.pk != assignment.lead_id
    ]
    for i, m in enumerate(members, start=1):
        m["stt"] = i
    context.update(subject=f"Về việc thành lập Đoàn kiểm tra tại {assignment.unit.name}", members=members)
    return Document(
        kind=kind,
        context=context,
        unit=issuer,
        record_key=str(assignment.pk),
        filename=f"quyet-dinh-thanh-lap-doan-{assignment.pk}.docx",
        record=assignment,
    )


def inspection_notice(*, user, record_id: int, base_url: str) -> Document:
    kind, assignment, issuer, context = _assignment_common("inspection_notice", user=user, record_id=record_id)
    context.update(subject=f"Về việc kiểm tra tại {assignment.unit.name}")
    return Document(
        kind=kind,
        context=context,
        unit=issuer,
        record_key=str(assignment.pk),
        filename=f"thong-bao-kiem-tra-{assignment.pk}.docx",
        record=assignment,
    )


def _findings(user, inspection):
    return list(selectors.finding_list(user=user).filter(inspection=inspection))


MINUTES_FIELDS = ("start_time", "end_time", "venue", "present")


def inspection_minutes(*, user, record_id: int, base_url: str) -> Document:
    kind = KINDS["inspection_minutes"]
    inspection = selectors.inspection_get(user=user, pk=record_id)
    issuer = inspection.assignment.plan.unit if inspection.assignment_id else inspection.unit
    details = details_get(kind=kind, record_key=str(inspection.pk))
    lead = inspection.assignment.lead if inspection.assignment_id else None
    present = [{"name": _name(lead), "role": "Trưởng đoàn kiểm tra"}] if lead else []
    if inspection.assignment_id:
        present += [
            {"name": _name(m), "role": "Thành viên Đoàn kiểm tra"}
            for m in inspection.assignment.members.all()
            if m.pk != getattr(lead, "pk", None)
        ]
    for line in (details.get("present") or "").splitlines():
        name, _sep, role = line.partition(",")
        if name.strip():
            present.append({"name": name.strip(), "role": role.strip() or f"Đại diện {inspection.unit.name}"})
    results = []
    for block in selectors.inspection_sheet(inspection=inspection):
        for row in block["rows"]:
            answer = row["answer"]
            score = ""
            if answer is not None and answer.max_score:
                score = f"{fmt_num(answer.score, 2)}/{fmt_num(answer.max_score, 2)}"
            results.append(
                {
                    "code": row["item"].code,
                    "item": row["item"].text_vi,
                    "basis": row["item"].legal_basis,
                    "answer": (answer_label(answer.value) if answer and answer.value else "—")
                    + (" ✗" if answer is not None and answer.failed else ""),
                    "score": score,
                    "note": answer.note if answer else "",
                }
            )
    findings = [
        {
            "stt": i,
            "text": f.description
            + "".join(
                f" Kiến nghị: {a.description} ({a.unit.name}, hạn {fmt_date(a.due_date)})." for a in f.actions.all()
            ),
        }
        for i, f in enumerate(_findings(user, inspection), start=1)
    ]
    photos = []
    evidence = (
        Evidence.objects.filter(answer__inspection=inspection, blob__content_type__in=IMAGE_TYPES)
        .select_related("blob", "answer__item")
        .order_by("answer__item__code", "pk")
    )
    for i, e in enumerate(evidence, start=1):
        try:
            with e.blob.file.open("rb") as fh:
                data = fh.read()
        except OSError:
            continue
        photos.append(
            Photo(
                data=data,
                caption=f"Ảnh {i}: {e.answer.item.code}",
                url=reverse("evidence-file", kwargs={"sha256": e.blob.sha256}),
            )
        )
    context = header(
        user=user,
        kind=kind,
        unit=issuer,
        record_key=str(inspection.pk),
        issuing_body="Đoàn kiểm tra" if not inspection.is_self else inspection.unit.name,
        day=inspection.inspected_on,
        signer_title="TRƯỞNG ĐOÀN KIỂM TRA" if not inspection.is_self else "NGƯỜI LẬP BIÊN BẢN",
        signer_name=_name(lead),
        recipients=[inspection.unit.name, "Đoàn kiểm tra"],
    )
    context["parent_body"] = issuer.name.upper()
    context.update(
        checklist=inspection.template_version.template.name_vi,
        inspected_unit=inspection.unit.name,
        inspected_on=fmt_date(inspection.inspected_on),
        start_time=details.get("start_time") or "…giờ…",
        end_time=details.get("end_time") or "…giờ…",
        venue=details.get("venue") or f"trụ sở {inspection.unit.name}",
        present=present,
        results=results,
        total_percent=fmt_num(inspection.total_percent),
        band=inspection.get_band_display() or "—",
        critical="Có tiêu chí bắt buộc không đạt." if inspection.critical_failed else "",
        findings=findings,
        conclusion=inspection.summary or "…",
        lead_name=_name(lead),
    )
    return Document(
        kind=kind,
        context=context,
        unit=issuer,
        record_key=str(inspection.pk),
        filename=f"bien-ban-kiem-tra-{inspection.pk}.docx",
        photos=photos,
        record=inspection,
    )


def conclusion_notice(*, user, record_id: int, base_url: str) -> Document:
    kind = KINDS["conclusion_notice"]
    inspection = selectors.inspection_get(user=user, pk=record_id)
    issuer = inspection.assignment.plan.unit if inspection.assignment_id else inspection.unit
    actions = []
    for f in _findings(user, inspection):
        for a in f.actions.all():
            actions.append(
                {"finding": f.description, "action": a.description, "unit": a.unit.name, "due": fmt_date(a.due_date)}
            )
    for i, a in enumerate(actions, start=1):
        a["stt"] = i
    context = header(
        user=user, kind=kind, unit=issuer, record_key=str(inspection.pk), recipients=[inspection.unit.name]
    )
    context.update(
        subject=f"Kết luận kiểm tra tại {inspection.unit.name}",
        inspected_unit=inspection.unit.name,
        inspected_on=fmt_date(inspection.inspected_on),
        total_percent=fmt_num(inspection.total_percent),
        band=inspection.get_band_display() or "—",
        conclusion=inspection.summary or "…",
        actions=actions,
    )
    return Document(
        kind=kind,
        context=context,
        unit=issuer,
        record_key=str(inspection.pk),
        filename=f"thong-bao-ket-luan-{inspection.pk}.docx",
        record=inspection,
    )
