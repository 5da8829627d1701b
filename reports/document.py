"""The report as a document: sections holding paragraphs, numbered tables and numbered figures (with text
alternatives). Rendering (HTML, PDF) knows nothing of statistics; section builders know nothing of HTML."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date


@dataclass
class Paragraph:
    text: str
    kind: str = "p"  # p | note | warning


@dataclass
class Heading:
    text: str
    id: str


@dataclass
class Table:
    number: int
    id: str
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    note: str = ""
    total_row: bool = False
    row_classes: list[str] = field(default_factory=list)  # per row: "" | "subhead" | "subtotal" | "total"

    def row_class(self, index: int) -> str:
        if index < len(self.row_classes) and self.row_classes[index]:
            return self.row_classes[index]
        return "total" if self.total_row and index == len(self.rows) - 1 else ""


@dataclass
class Figure:
    number: int
    id: str
    caption: str
    svg: bytes
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


@dataclass
class Section:
    id: str
    title: str
    blocks: list = field(default_factory=list)
    new_page: bool = True


@dataclass
class ReportModel:
    year: int
    lang: str
    title: str
    subtitle: str
    data_as_of: date | None
    data_as_of_text: str
    synthetic: bool
    sections: list[Section]
    fingerprint: str
    lead: list[Paragraph]
    words: dict[str, str] = field(default_factory=dict)  # the template's fixed words in this edition
    links: dict[str, str] = field(default_factory=dict)  # pdf, csv: the other forms of this report

    @property
    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


class Numbering:
    """Tables and figures are numbered in document order as the sections are built."""

    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self, caption: str, columns: list[str], rows: list[list[str]], numeric: list[bool],
              note: str = "", total_row: bool = False, row_classes: list[str] | None = None) -> Table:
        self.tables += 1
        return Table(self.tables, f"table-{self.tables}", caption, columns, rows, numeric, note, total_row,
                     row_classes or [])

    def figure(self, caption: str, svg: bytes, alt: str) -> Figure:
        self.figures += 1
        return Figure(self.figures, f"figure-{self.figures}", caption, svg, alt)
