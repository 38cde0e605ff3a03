"""The Decree 30/2020 parts every document shares: header, number, place and date, signer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from documents.kinds import DocumentKind
from documents.services import document_number_issue


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
    day = day or timezone.localdate()
    if kind.numbered:
        number = document_number_issue(actor=user, kind=kind, record_key=record_key, unit=unit, year=day.year).number
    else:
        number = ""
    return {
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
