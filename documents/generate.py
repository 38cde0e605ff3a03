"""One entry point from a kind and a record (or a unit and a period) to a Document, its Word file
and its print page; used by the views, the API, the background job and `render_document`."""

from __future__ import annotations

from django.http import Http404
from django.utils import translation

from core.permissions import Perm
from documents.contexts import inspections as inspection_docs
from documents.contexts import reports as report_docs
from documents.contexts import training as training_docs
from documents.kinds import DocumentKind
from documents.rendering import Document, html_blocks, render_docx
from documents.selectors import template_bytes
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
    *, kind: DocumentKind, user, record_id: int | None = None, code: str = "", period: str = "", base_url: str = ""
) -> Document:
    """The document of `kind` for a record (or, for reports, unit `code` and `period`), in Vietnamese.
    Http404 when the record or unit is outside the user's scope; ValueError for a malformed period."""
    if record_id is not None and not 0 < record_id <= MAX_ID:
        raise Http404  # an id no database column can hold: not a record, and not a server error
    builder = BUILDERS[kind.code]
    with translation.override("vi"):
        if kind.is_report:
            return builder(user=user, code=code, period=period, base_url=base_url)
        return builder(user=user, record_id=record_id, base_url=base_url)


def document_docx(document: Document) -> bytes:
    """The Word file, from the template in use for the issuing unit (uploaded for it or a unit above, or shipped)."""
    return render_docx(document, template_bytes(kind=document.kind, unit=document.unit))


def document_html_blocks(document: Document) -> list[dict]:
    with translation.override("vi"):
        return html_blocks(document)
