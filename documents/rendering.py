"""Turns a document's context into a Word file (docxtpl over the template in use) and into the blocks
of its print-ready HTML page (the same body, documents.blocks, rendered as plain text)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, Undefined

from documents.blocks import Heading, P, Photos, Table
from documents.kinds import DocumentKind

_env = Environment(autoescape=False, undefined=Undefined)


@dataclass
class Photo:
    data: bytes
    caption: str
    url: str = ""


@dataclass
class Document:
    """A document ready to render: its kind, the context of its placeholders, the issuing unit, and
    the pictures (photos, QR) the Word file embeds."""

    kind: DocumentKind
    context: dict
    unit: object
    record_key: str
    filename: str
    photos: list[Photo] = field(default_factory=list)
    qr_png: bytes | None = None
    qr_svg_uri: str = ""
    record: object = None
    issued: object = None  # the IssuedDocument of a numbered kind once issued; None: an unnumbered preview

    @property
    def is_preview(self) -> bool:
        """A numbered kind not issued yet: its number reads "…/BB-ĐKT"."""
        return self.kind.numbered and self.issued is None


def render_docx(document: Document, template: bytes) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    context = dict(document.context)
    context["photos"] = [
        {"image": InlineImage(tpl, io.BytesIO(p.data), width=Mm(120)), "caption": p.caption} for p in document.photos
    ]
    context["qr"] = InlineImage(tpl, io.BytesIO(document.qr_png), width=Mm(30)) if document.qr_png else ""
    tpl.render(context, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _text(template: str, context: dict) -> str:
    return _env.from_string(template).render(**context).strip()


def _loop(spec: str, context: dict) -> tuple[str, list]:
    var, _sep, expr = spec.partition(" in ")
    return var.strip(), list(_env.compile_expression(expr.strip())(**context) or [])


def html_blocks(document: Document) -> list[dict]:
    """The body as a list of plain-text blocks for templates/documents/print.html (the template escapes)."""
    context = {**document.context, "photos": document.photos, "qr": ""}
    out: list[dict] = []
    for block in document.kind.body:
        if isinstance(block, Heading):
            out.append({"type": "heading", "text": _text(block.text, context)})
        elif isinstance(block, P):
            items = [context]
            if block.loop:
                var, values = _loop(block.loop, context)
                items = [{**context, var: v} for v in values]
            for ctx in items:
                text = _text(block.text, ctx)
                if text:
                    out.append(
                        {"type": "p", "text": text, "bold": block.bold, "italic": block.italic, "center": block.center}
                    )
        elif isinstance(block, Table):
            var, values = _loop(block.loop, context)
            rows = [[_text(c, {**context, var: v}) for c in block.cells] for v in values]
            out.append({"type": "table", "headers": block.headers, "rows": rows})
        elif isinstance(block, Photos):
            out.append({"type": "photos", "photos": [{"url": p.url, "caption": p.caption} for p in document.photos]})
    return out
