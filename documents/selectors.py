"""Reads: which template a unit's documents use, a kind's template versions, issued numbers."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet

from documents.kinds import DocumentKind
from documents.models import DocumentDetails, DocumentTemplate, IssuedDocument
from staff.access import ancestor_paths

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


def shipped_path(kind: DocumentKind) -> Path:
    return SHIPPED_DIR / f"{kind.code}.docx"


def template_in_use(*, kind: DocumentKind, unit) -> DocumentTemplate | None:
    """The newest template uploaded for `unit` or the nearest unit above it; None: the shipped one."""
    paths = ancestor_paths(unit.path) if unit is not None else []
    return (
        DocumentTemplate.objects.filter(kind=kind.code, unit__path__in=paths)
        .select_related("unit")
        .order_by("-unit__depth", "-version")
        .first()
    )


def template_bytes(*, kind: DocumentKind, unit) -> bytes:
    row = template_in_use(kind=kind, unit=unit)
    return bytes(row.content) if row is not None else shipped_path(kind).read_bytes()


def template_versions(*, kind: DocumentKind, units: QuerySet) -> QuerySet[DocumentTemplate]:
    """Every uploaded version of `kind` for the given units, newest first, without the file contents."""
    return (
        DocumentTemplate.objects.filter(kind=kind.code, unit__in=units)
        .select_related("unit", "uploaded_by")
        .defer("content")
        .order_by("unit__path", "-version")
    )


def details_get(*, kind: DocumentKind, record_key: str) -> dict:
    row = DocumentDetails.objects.filter(kind=kind.code, record_key=record_key).first()
    return dict(row.data) if row else {}


def issued_get(*, kind: DocumentKind, record_key: str) -> IssuedDocument | None:
    """The number a record's document was issued with, if it was."""
    return IssuedDocument.objects.filter(kind=kind.code, record_key=record_key).first()
