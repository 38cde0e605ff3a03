"""One entry point from a kind and a record (or a unit and a period) to a Document, its Word file
and its print page; used by the views, the API, the background job and `render_document`."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone, translation

from core.permissions import Perm
from documents.contexts import inspections as inspection_docs
from documents.contexts import reports as report_docs
from documents.contexts import training as training_docs
from documents.kinds import DocumentKind
from documents.rendering import Document, html_blocks, render_docx
from documents.selectors import issued_get, template_bytes
from documents.services import document_number_issue
from training.models import READ_OR_OWN, TRAINING_READ

MAX_ID = 2**63 - 1

INSPECTION_READ = (Perm.INSPECTION_VIEW, Perm.INSPECTION_PLAN, Perm.INSPECTION_REVIEW, Perm.INSPECTION_SELF)

BUILDERS = {
    "certificate": training_docs.certificate,
    "class_list": training_docs.class_list,
    "class_opening": training_docs.class_opening,
    "team_decision": inspection_docs.team_decision,
    "inspection_notice": inspection_docs.inspection_notice,
    "inspection_minutes": inspection_docs.inspection_minutes,
    "conclusion_notice": inspection_docs.conclusion_notice,
    "training_report": report_docs.training_report,
    "inspection_report": report_docs.inspection_report,
    "cchc_report": report_docs.cchc_report,
}

# Who may ask for a kind at all (any one suffices); the record's own scope is checked by its selector.
PERMS = {
    "certificate": READ_OR_OWN,
    "class_list": TRAINING_READ,
    "class_opening": TRAINING_READ,
    "team_decision": INSPECTION_READ,
    "inspection_notice": INSPECTION_READ,
    "inspection_minutes": INSPECTION_READ,
    "conclusion_notice": INSPECTION_READ,
    "training_report": TRAINING_READ,
    "inspection_report": INSPECTION_READ,
    "cchc_report": (Perm.SCORECARD_VIEW,),
}


def document_build(
    *,
    kind: DocumentKind,
    user,
    record_id: int | None = None,
    code: str = "",
    period: str = "",
    base_url: str = "",
    issue: bool = False,
) -> Document:
    """The document of `kind` for a record (or, for reports, unit `code` and `period`), in Vietnamese.
    A numbered kind carries the number it was issued with; not issued yet, it is a preview ("…/BB-ĐKT")
    unless `issue` is set: then the next number of the register is taken (once per record and kind; a
    retry gets the same number). Only explicit actions (a POST, the command's --issue) pass `issue`.
    Http404 when the record or unit is outside the user's scope; ValueError for a malformed period."""
    if record_id is not None and not 0 < record_id <= MAX_ID:
        raise Http404  # an id no database column can hold: not a record, and not a server error
    builder = BUILDERS[kind.code]
    with translation.override("vi"):
        if kind.is_report:
            document = builder(user=user, code=code, period=period, base_url=base_url)
        else:
            document = builder(user=user, record_id=record_id, base_url=base_url)
    if kind.numbered:
        context = document.context
        if issue:
            document.issued = document_number_issue(
                actor=user, kind=kind, record_key=document.record_key, unit=document.unit, year=int(context["year"])
            )
        else:
            document.issued = issued_get(kind=kind, record_key=document.record_key)
        if document.issued is not None:
            context["number"] = document.issued.number
            if context.get("dated_on_issue"):  # re-rendered later: still dated the day it was issued
                day = timezone.localdate(document.issued.issued_at)
                context.update(day=f"{day.day:02d}", month=f"{day.month:02d}", year=str(day.year))
    return document


def document_docx(document: Document) -> bytes:
    """The Word file, from the template in use for the issuing unit (uploaded for it or a unit above, or shipped)."""
    return render_docx(document, template_bytes(kind=document.kind, unit=document.unit))


def document_html_blocks(document: Document) -> list[dict]:
    with translation.override("vi"):
        return html_blocks(document)
