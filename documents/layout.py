"""Builds the shipped Word templates in Decree 30/2020 layout with python-docx, from the registry
(documents.kinds): A4, Times New Roman 13-14 pt, margins 20/20/30/15 mm; a borderless two-column header
(parent body, issuing body in bold, "Số: {{ number }}" | national motto, "Độc lập - Tự do - Hạnh phúc"
underlined as its rule, place and date in italics); the title; the body; "Nơi nhận" beside the signer's
title, the seal area and name. `python manage.py build_document_templates` writes them to
documents/shipped/, so the committed files can be rebuilt."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from documents.blocks import Heading, P, Photos, Table
from documents.kinds import DocumentKind

FONT = "Times New Roman"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


def _para(container, text: str = "", *, bold=False, italic=False, center=False, size=13, underline=False, after=3):
    p = container.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
    return p


def _no_borders(table) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)
    style = table._tbl.tblPr.find(qn("w:tblStyle"))
    if style is not None:
        table._tbl.tblPr.remove(style)


def _cell(table, row: int, col: int):
    cell = table.cell(row, col)
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return cell


def _header(doc, kind: DocumentKind) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = _cell(table, 0, 0), _cell(table, 0, 1)
    _para(left, "{{ parent_body }}", center=True, size=12)
    _para(left, "{{ issuing_body }}", bold=True, center=True, size=12)
    _para(left, "———", center=True, size=10)
    _para(left, "Số: {{ number }}", center=True)
    _para(right, MOTTO, bold=True, center=True, size=12)
    _para(right, MOTTO_2, bold=True, center=True, underline=True)
    _para(right, "", center=True, size=6)
    _para(right, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", italic=True, center=True)
    _para(doc, "", after=6)
    _para(doc, "{{ title }}", bold=True, center=True, size=14)


def _table(doc, block: Table) -> None:
    table = doc.add_table(rows=3, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(block.headers):
        cell = table.cell(0, i)
        cell.paragraphs[0].add_run(header).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    var, _sep, items = block.loop.partition(" in ")
    table.cell(1, 0).paragraphs[0].add_run(f"{{%tr for {var} in {items} %}}")
    for i, text in enumerate(block.cells):
        table.cell(2, i).paragraphs[0].add_run(text)
    row = table.add_row()
    row.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _para(doc, "", after=3)


def _body(doc, kind: DocumentKind) -> None:
    for block in kind.body:
        if isinstance(block, Heading):
            _para(doc, block.text, bold=True, after=3)
        elif isinstance(block, P):
            if block.loop:
                _para(doc, f"{{%p for {block.loop} %}}")
            _para(doc, block.text, bold=block.bold, italic=block.italic, center=block.center)
            if block.loop:
                _para(doc, "{%p endfor %}")
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Photos):
            _para(doc, f"{{%p for {block.loop} %}}")
            _para(doc, "{{ ph.image }}", center=True)
            _para(doc, "{{ ph.caption }}", italic=True, center=True, size=11)
            _para(doc, "{%p endfor %}")


def _footer(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = _cell(table, 0, 0), _cell(table, 0, 1)
    _para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    _para(left, "{%p for r in recipients %}", size=11)
    _para(left, "- {{ r }};", size=11)
    _para(left, "{%p endfor %}", size=11)
    _para(left, "- Lưu: VT.", size=11)
    _para(right, "{{ signer_title }}", bold=True, center=True)
    _para(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, center=True, size=11)
    for _ in range(4):
        _para(right, "", center=True)  # the signature and seal area
    _para(right, "{{ signer_name }}", bold=True, center=True)


def build_template(kind: DocumentKind) -> bytes:
    """The shipped .docx template of `kind`."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if kind.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _header(doc, kind)
    _body(doc, kind)
    _para(doc, "", after=6)
    _footer(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
