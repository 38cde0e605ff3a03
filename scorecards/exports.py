"""The scorecard workbook: a summary sheet, the sub-units, every unit of the subtree with each
criterion's value, one sheet per criterion with the records behind it (people, enrollments,
inspections, corrective actions, self-inspections), and the three charts embedded as images. A normal
(not write-only) openpyxl workbook, because images cannot be added to a streamed one; it is small (one
unit's subtree)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.xlsx import FORMULA_PREFIXES, excel_text
from scorecards import charts, explain, links, records
from scorecards.models import Band, Pillar
from scorecards.selectors import UnitScorecard
from staff.models import UnitKind

FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


def _put(ws, row: int, col: int, value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        value = excel_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # formula-like text stays text
    return cell


def _table(ws, first_row: int, headers: list[str], rows: list[list], widths: list[int] | None = None) -> None:
    for col, header in enumerate(headers, 1):
        cell = _put(ws, first_row, col, str(header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = (
            (widths or [])[col - 1] if widths else max(12, min(45, len(str(header)) + 4))
        )
    for r, values in enumerate(rows, first_row + 1):
        for col, value in enumerate(values, 1):
            _put(ws, r, col, value)
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{first_row}:{last}{first_row + max(len(rows), 1)}"
    ws.freeze_panes = f"A{first_row + 1}"


def _r(value):
    return None if value is None else round(value, 2)


def _sheet_name(index: int, label: str) -> str:
    """`1. <criterion label>` within Excel's 31 characters, cut at a word."""
    name = f"{index}. {label.translate(FORBIDDEN_IN_SHEET_NAMES)}".strip()
    if len(name) > 31:
        name = name[:30].rsplit(" ", 1)[0].rstrip(",;") + "…"
    return name


def _kind(kind: str) -> str:
    return str(UnitKind(kind).label) if kind in UnitKind.values else kind


def scorecard_xlsx(card: UnitScorecard, *, user, base_url: str = "") -> bytes:
    unit, period, score, table = card.unit, card.period, card.score, card.table
    rules = explain.rules(table)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Scorecard summary")[:31]
    facts = [
        (_("Unit"), unit.name),
        (_("Code"), unit.code),
        (_("Period"), period.label),
        (_("Status"), _("Published") if table.publication else _("Live (not published)")),
        (_("Total score"), _r(score.total)),
        (_("Band"), str(Band(score.band).label)),
        (_("Capability"), _r(score.capability)),
        (_("Service culture and discipline"), _r(score.service_culture)),
        (_("Rank among units of the same kind"), f"{score.rank}/{score.rank_of}" if score.rank else None),
        (_("Change since the previous period"), _r(score.change)),
        (_("Headcount"), score.headcount),
    ]
    for r, (label, value) in enumerate(facts, 1):
        _put(ws, r, 1, str(label)).font = Font(bold=True)
        _put(ws, r, 2, value)
    criterion_links = links.criterion_links(unit=unit, period=period, formulas=[c.formula for c in score.criteria])
    explained = explain.criterion_rows(score, criterion_links)
    headers = [
        _("Pillar"),
        _("Criterion"),
        _("Value (%)"),
        _("Target (%)"),
        _("Weight"),
        _("Effective weight"),
        _("Points"),
        _("Numerator"),
        _("Denominator"),
        _("Verified score"),
        _("Self-inspection score"),
        _("Score used"),
        _("How the value is computed"),
        _("How the points are computed"),
        _("Numerator records"),
        _("Denominator records"),
    ]

    def url(link):
        return f"{base_url}{link['url']}" if link and link.get("url") else None

    rows = [
        [
            str(Pillar(c.pillar).label),
            c.label,
            _r(c.value) if c.has_data else _("no data"),
            _r(c.target),
            _r(c.weight),
            _r(c.effective_weight),
            _r(c.points),
            c.numerator,
            c.denominator,
            _r(c.verified_value),
            _r(c.self_value),
            _source(c.source),
            row["explain"]["value"],
            row["explain"]["points"],
            url(row["links"].get("numerator")),
            url(row["links"].get("denominator")),
        ]
        for row in explained
        for c in [row["c"]]
    ]
    _table(ws, len(facts) + 2, headers, rows, [30, 48, 12, 12, 10, 14, 10, 12, 12, 14, 16, 18, 50, 60, 40, 40])
    below = len(facts) + 2 + len(rows) + 2
    rules_rows = [
        (_("Total score"), explain.total_text(score)),
        (_("Scorecard model"), f"{rules['name']} ({rules['year']})"),
        (_("Legal basis"), rules["legal_basis"] or _("The model records no legal basis.")),
        (_("Bands"), rules["bands"]),
    ]
    for r, (label, value) in enumerate(rules_rows, below):
        _put(ws, r, 1, str(label)).font = Font(bold=True)
        _put(ws, r, 2, value)

    ws = wb.create_sheet(_("Sub-units")[:31])
    _table(
        ws,
        1,
        [
            _("Code"),
            _("Unit"),
            _("Kind"),
            _("Headcount"),
            _("Total score"),
            _("Band"),
            _("Capability"),
            _("Service culture and discipline"),
            _("Ranking"),
            _("Out of"),
            _("Change"),
        ],
        [
            [
                s.unit.code,
                s.unit.name,
                _kind(s.unit.kind),
                s.headcount,
                _r(s.total),
                str(Band(s.band).label),
                _r(s.capability),
                _r(s.service_culture),
                s.rank,
                s.rank_of,
                _r(s.change),
            ]
            for s in card.children
        ],
    )

    subtree = card.subtree
    ws = wb.create_sheet(_("Each unit of the subtree")[:31])
    per_unit_headers = [_("Code"), _("Unit"), _("Headcount"), _("Total score")] + [c.label for c in score.criteria]
    _table(
        ws,
        1,
        per_unit_headers,
        [
            [s.unit.code, s.unit.name, s.headcount, _r(s.total)]
            + [_r(x.value) if x.has_data else None for x in s.criteria]
            for s in subtree
        ],
        [14, 48, 12, 12] + [18] * len(score.criteria),
    )

    for index, row in enumerate(explained, 1):
        c = row["c"]
        ws = wb.create_sheet(_sheet_name(index, c.label))
        _put(ws, 1, 1, f"{c.label} · {period.label} · {row['explain']['value'] or _('no data')}").font = Font(bold=True)
        found = records.rows_for(c.formula, unit=unit, period=period, user=user)
        if found is None:
            continue
        headers, rows = found
        _table(ws, 2, headers, rows, [max(14, min(40, len(str(h)) + 6)) for h in headers])

    ws = wb.create_sheet(_("Charts")[:31])
    anchor_row = 1
    for name in charts.CHARTS:
        chart_data = card.charts.get(name)
        if chart_data is None:
            continue
        png = charts.chart_bytes(name, chart_data, "png")
        image = Image(io.BytesIO(png))
        ws.add_image(image, f"A{anchor_row}")
        anchor_row += int(image.height / 20) + 2
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _source(source: str | None) -> str:
    return {"verified": _("verified"), "self": _("self-inspection"), "mixed": _("verified where available")}.get(
        source or "", ""
    )
