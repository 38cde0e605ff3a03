"""Certificates, class lists and decisions to open a class, read through training's selectors."""

from __future__ import annotations

import io

import segno
from django.urls import reverse

from documents.contexts.common import fmt_date, fmt_num, header
from documents.kinds import KINDS
from documents.rendering import Document
from training import selectors
from training.models import EnrollmentStatus, Outcome


def certificate(*, user, record_id: int, base_url: str) -> Document:
    kind = KINDS["certificate"]
    cert = selectors.certificate_get(user=user, pk=record_id)
    klass, person = cert.enrollment.training_class, cert.enrollment.staff
    verify_url = base_url.rstrip("/") + reverse("training:certificate-verify", args=[cert.verify_code])
    qr = segno.make(verify_url, error="m")
    png = io.BytesIO()
    qr.save(png, kind="png", scale=6, border=2)
    context = header(
        user=user,
        kind=kind,
        unit=klass.unit,
        record_key=str(cert.pk),
        day=cert.issued_on,
        title="CHỨNG CHỈ" if klass.course.certificate_kind == "cc" else "GIẤY CHỨNG NHẬN",
        recipients=[person.full_name],
    )
    context.update(
        number=cert.number,
        holder_name=person.full_name,
        holder_dob=fmt_date(person.date_of_birth),
        holder_unit=person.unit.name,
        course_title=klass.course.title,
        class_code=klass.code,
        start_date=fmt_date(klass.start_date),
        end_date=fmt_date(klass.end_date),
        score=f"Điểm: {fmt_num(cert.enrollment.score, 2)}." if cert.enrollment.score is not None else "",
        serial=cert.number,
        verify_url=verify_url,
        valid_until=f"Có giá trị đến ngày {fmt_date(cert.valid_until)}." if cert.valid_until else "",
        revoked=f"ĐÃ THU HỒI ngày {fmt_date(cert.revoked_on)}" if cert.revoked_on else "",
    )
    return Document(
        kind=kind,
        context=context,
        unit=klass.unit,
        record_key=str(cert.pk),
        filename=f"giay-chung-nhan-{cert.number.replace('/', '-')}.docx",
        qr_png=png.getvalue(),
        qr_svg_uri=qr.svg_data_uri(scale=3, border=2),
        record=cert,
    )


def _learner_rows(enrollments) -> list[dict]:
    return [
        {
            "stt": i,
            "name": e.staff.full_name,
            "dob": fmt_date(e.staff.date_of_birth),
            "unit": e.staff.unit.name,
            "position": e.staff.position_title or e.staff.job_position,
            "score": fmt_num(e.score, 2) if e.score is not None else "",
            "certificate": e.certificate_number or "",
        }
        for i, e in enumerate(enrollments, start=1)
    ]


def class_list(*, user, record_id: int, base_url: str) -> Document:
    kind = KINDS["class_list"]
    klass = selectors.class_get(user=user, pk=record_id)
    roster = selectors.class_roster(training_class=klass).filter(outcome=Outcome.COMPLETED)
    learners = _learner_rows(roster)
    context = header(user=user, kind=kind, unit=klass.unit, record_key=str(klass.pk))
    context.update(
        course_title=klass.course.title,
        class_code=klass.code,
        start_date=fmt_date(klass.start_date),
        end_date=fmt_date(klass.end_date),
        learners=learners,
        learner_count=len(learners),
    )
    return Document(
        kind=kind,
        context=context,
        unit=klass.unit,
        record_key=str(klass.pk),
        filename=f"danh-sach-{klass.code}.docx",
        record=klass,
    )


def class_opening(*, user, record_id: int, base_url: str) -> Document:
    kind = KINDS["class_opening"]
    klass = selectors.class_get(user=user, pk=record_id)
    roster = selectors.class_roster(training_class=klass).filter(status=EnrollmentStatus.CONFIRMED)
    learners = _learner_rows(roster)
    context = header(user=user, kind=kind, unit=klass.unit, record_key=str(klass.pk))
    context.update(
        subject=f"Về việc mở lớp {klass.course.title}",
        course_title=klass.course.title,
        class_code=klass.code,
        start_date=fmt_date(klass.start_date),
        end_date=fmt_date(klass.end_date),
        venue=klass.venue or "…",
        legal_basis=klass.course.legal_basis or "chức năng, nhiệm vụ của cơ quan",
        learners=learners,
        learner_count=len(learners),
    )
    return Document(
        kind=kind,
        context=context,
        unit=klass.unit,
        record_key=str(klass.pk),
        filename=f"quyet-dinh-mo-lop-{klass.code}.docx",
        record=klass,
    )
