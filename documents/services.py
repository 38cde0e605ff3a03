"""Writes: taking a number from a register, uploading a template, saving a document's details."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError

from core.permissions import Perm
from documents.kinds import DocumentKind
from documents.models import DocumentDetails, DocumentRegister, DocumentTemplate, IssuedDocument
from staff.access import require

DOCX_MAGIC = b"PK\x03\x04"


def max_template_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_TEMPLATE_MAX_BYTES", 5 * 1024 * 1024))


def document_number_issue(*, actor, kind: DocumentKind, record_key: str, unit, year: int) -> IssuedDocument:
    """The number of the document `kind` for the record: the one it already has, or the next number of the
    issuing body's register for the year, taken in one transaction with the register row locked. A retry
    (or a second click) gets the same number; two issuers at once get two different numbers."""
    existing = IssuedDocument.objects.filter(kind=kind.code, record_key=record_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            DocumentRegister.objects.get_or_create(unit=unit, kind=kind.code, year=year)
    except IntegrityError:  # another issuer created the register row at the same moment
        pass
    try:
        with transaction.atomic():
            register = DocumentRegister.objects.select_for_update().get(unit=unit, kind=kind.code, year=year)
            already = IssuedDocument.objects.filter(kind=kind.code, record_key=record_key).first()
            if already is not None:
                return already
            register.last += 1
            register.save(update_fields=["last"])
            suffix = kind.issuer_suffix or unit.code.upper()
            issued = IssuedDocument(
                kind=kind.code,
                record_key=record_key,
                unit=unit,
                year=year,
                seq=register.last,
                number=f"{register.last}/{kind.abbreviation}-{suffix}",
                issued_by=actor if getattr(actor, "pk", None) else None,
            )
            issued.full_clean()
            issued.save()
            return issued
    except IntegrityError:  # the same record was numbered by a concurrent request: use that number
        return IssuedDocument.objects.get(kind=kind.code, record_key=record_key)


def template_placeholders(content: bytes) -> set[str]:
    """The top-level placeholders a .docx template uses; ValidationError when it is not a Word file
    or its Jinja does not parse."""
    if not content.startswith(DOCX_MAGIC):
        raise ValidationError(_("The file is not a Word document (.docx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ValidationError(_("The file is not a Word document (.docx)."))
        return set(DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables())
    except TemplateSyntaxError as exc:
        raise ValidationError(
            _("The template has a placeholder error on line %(line)s: %(message)s")
            % {"line": exc.lineno, "message": exc.message}
        ) from exc
    except ValidationError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, lxml errors, python-docx errors: a broken file
        raise ValidationError(_("The Word file is damaged and cannot be opened.")) from exc


def template_upload(*, actor, kind: DocumentKind, unit, filename: str, content: bytes) -> DocumentTemplate:
    """A new version of `kind`'s template for `unit`'s subtree, after checking it: a .docx, not over the
    size limit, opens, and uses only the kind's placeholders (an unknown one is named). On any error
    nothing is saved and the current template stays in use."""
    require(actor, Perm.DOCUMENT_TEMPLATE_MANAGE, unit)
    if not filename.lower().endswith(".docx"):
        raise ValidationError(_("Upload a Word file ending in .docx."))
    limit = max_template_bytes()
    if len(content) > limit:
        raise ValidationError(
            _("The file is %(size)s KB; templates may be at most %(limit)s KB.")
            % {"size": len(content) // 1024, "limit": limit // 1024}
        )
    used = template_placeholders(content)
    unknown = sorted(used - kind.known_placeholders)
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(names)s. The placeholders of this document are listed on this page.")
            % {"names": ", ".join(unknown)}
        )
    with transaction.atomic():
        last = (
            DocumentTemplate.objects.select_for_update()
            .filter(kind=kind.code, unit=unit)
            .aggregate(v=Max("version"))["v"]
        )
        row = DocumentTemplate(
            kind=kind.code,
            unit=unit,
            version=(last or 0) + 1,
            filename=filename[:255],
            content=content,
            size=len(content),
            placeholders=sorted(used),
            uploaded_by=actor,
        )
        row.full_clean(exclude=["content"])
        row._history_user = actor if getattr(actor, "pk", None) else None  # the audit trail: who uploaded it
        row.save()
    return row


def template_restore(*, actor, kind: DocumentKind, version: DocumentTemplate) -> DocumentTemplate:
    """Makes an older version current again: a new version with its file (checked again, as any upload:
    the placeholders known to the kind may have changed since). The restored version stays as it was."""
    return template_upload(
        actor=actor, kind=kind, unit=version.unit, filename=version.filename, content=bytes(version.content)
    )


def details_save(*, actor, kind: DocumentKind, record_key: str, data: dict) -> DocumentDetails:
    """Saves the details a document needs beyond its record (the caller has checked the record's scope)."""
    with transaction.atomic():
        row, _created = DocumentDetails.objects.select_for_update().get_or_create(kind=kind.code, record_key=record_key)
        row.data = {**row.data, **data}
        row.updated_by = actor
        row.save()
    return row
