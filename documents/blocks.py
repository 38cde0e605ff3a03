"""The body of a document, written once: the shipped Word template is built from these blocks
(documents.layout) and the print-ready HTML page renders the same blocks with the same context
(documents.rendering). Texts are Jinja, as docxtpl reads them inside Word."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class P:
    """A paragraph. `loop` ("x in items") repeats it once per item (docxtpl `{%p for %}`)."""

    text: str
    bold: bool = False
    italic: bool = False
    center: bool = False
    loop: str = ""


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Table:
    """A table with a header row and one row per item of `loop` ("r in rows")."""

    headers: list[str]
    loop: str
    cells: list[str]
    widths: list[float] = field(default_factory=list)  # cm


@dataclass(frozen=True)
class Photos:
    """An appendix of photos: `loop` over items with `.image` (an InlineImage in Word, a URL in HTML) and
    `.caption`."""

    loop: str = "ph in photos"


Block = P | Heading | Table | Photos
