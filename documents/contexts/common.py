"""The Decree 30/2020 parts every document shares: header, number, place and date, signer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from documents.kinds import DocumentKind


def place() -> str:
    return getattr(settings, "DOCUMENT_PLACE", "Cao Bằng")


def fmt_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "…/…/……"


def fmt_num(value, digits: int = 1) -> str:
    """Decimal comma, as Vietnamese documents write numbers."""
    if value is None:
        return "—"
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".") if digits else str(round(float(value)))
    return text.replace(".", ",")


def header(
    *,
    user,
    kind: DocumentKind,
    unit,
    record_key: str,
    issuing_body: str = "",
    day: dt.date | None = None,
    title: str = "",
    signer_title: str = "THỦ TRƯỞNG ĐƠN VỊ",
    signer_name: str = "",
    recipients: list[str] | None = None,
) -> dict:
    """The header of a document not yet issued: a numbered kind shows "…/BB-ĐKT" (no number is taken
    here; documents.generate.document_build puts the issued number in, or takes one when asked to)."""
    dated_on_issue = day is None
    day = day or timezone.localdate()
    number = f"…/{kind.abbreviation}-{kind.issuer_suffix or unit.code.upper()}" if kind.numbered else ""
    return {
        "dated_on_issue": dated_on_issue,
        "parent_body": unit.parent.name.upper() if unit.parent_id else "",
        "issuing_body": (issuing_body or unit.name).upper(),
        "number": number,
        "place": place(),
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}",
        "year": str(day.year),
        "title": title or kind.title,
        "recipients": recipients or ["Như trên"],
        "signer_title": signer_title,
        "signer_name": signer_name,
    }
