"""PDF: the text is extracted (pdfminer layout analysis: text boxes in reading order, bold/italic
from the font names, headings from the font size; boxes side by side on two or more lines become a
table written row by row; a sentence the layout cut into two boxes is joined again) and the translation is written as a DOCX that
opens with a note saying the layout is approximate. Encrypted, damaged, scanned (no text layer) and
over-long PDFs are refused with a message saying what to do."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from translation.errors import DocumentError, LimitExceeded
from translation.formats.base import Document
from translation.segments import Block, Run

NOTES = {
    "fr": "Traduction d'un PDF : le texte a été extrait du document d'origine ; la mise en page est approximative. "
          "Reportez-vous au PDF d'origine pour la présentation, les tableaux et les signatures.",
    "en": "Translation of a PDF: the text was extracted from the original document; the layout is approximate. "
          "Refer to the original PDF for presentation, tables and signatures.",
    "de": "Übersetzung einer PDF-Datei: Der Text wurde aus dem Originaldokument extrahiert; das Layout ist "
          "nur annähernd wiedergegeben. Maßgeblich für Darstellung, Tabellen und Unterschriften ist das Original-PDF.",
    "es": "Traducción de un PDF: el texto se extrajo del documento original; la maquetación es aproximada. "
          "Consulte el PDF original para la presentación, las tablas y las firmas.",
}


@dataclass
class _BoxInfo:
    page: int
    heading: bool
    cell: tuple[int, int, int] | None = None  # (table, row, column) when the box is a table cell


@dataclass
class _Box:
    page: int
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 (PDF coordinates: y grows upwards)
    lines: list
    size: float
    cell: tuple[int, int, int] | None = None


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _layout_page(boxes: list[_Box], table_base: int) -> tuple[list[_Box], int]:
    """Reading order of one page: boxes sharing a line (vertical overlap, side by side) form table rows;
    two or more such rows in a row with the same number of cells are a table, written row by row
    (pdfminer gives tables column by column). Other boxes keep their order, top to bottom."""
    remaining = sorted(boxes, key=lambda b: -b.bbox[3])
    rows: list[list[_Box]] = []
    for box in remaining:
        for row in rows:
            ref = row[0]
            height = min(box.bbox[3] - box.bbox[1], ref.bbox[3] - ref.bbox[1]) or 1.0
            if _overlap((box.bbox[1], box.bbox[3]), (ref.bbox[1], ref.bbox[3])) >= 0.5 * height \
                    and all(_overlap((box.bbox[0], box.bbox[2]), (o.bbox[0], o.bbox[2])) == 0 for o in row):
                row.append(box)
                break
        else:
            rows.append([box])
    for row in rows:
        row.sort(key=lambda b: b.bbox[0])
    ordered: list[_Box] = []
    tables = table_base
    i = 0
    while i < len(rows):
        j = i
        # A table: consecutive rows of >= 2 short cells (a cell is a few lines, not a text column).
        while j < len(rows) and len(rows[j]) >= 2 and len(rows[j]) == len(rows[i]) \
                and all(len(b.lines) <= 4 for b in rows[j]):
            j += 1
        if j - i >= 2:
            for r, row in enumerate(rows[i:j]):
                for c, box in enumerate(row):
                    box.cell = (tables, r, c)
                    ordered.append(box)
            tables += 1
            i = j
            continue
        ordered.extend(rows[i])
        i += 1
    return ordered, tables


def _continues(previous: _Box, box: _Box, previous_text: str, text: str) -> bool:
    """A sentence cut by the layout into two boxes: same page and font size, the first without a final
    punctuation mark, the second starting in lower case, just below and left-aligned with it."""
    if previous.cell or box.cell or previous.page != box.page or abs(previous.size - box.size) > 0.5:
        return False
    if not text[:1].islower() or previous_text.rstrip()[-1:] in ".!?:;":
        return False
    gap = previous.bbox[1] - box.bbox[3]
    return 0 <= gap <= 3 * max(previous.size, 1.0) and abs(previous.bbox[0] - box.bbox[0]) <= 2 * max(box.size, 1.0)


class PdfDocument(Document):
    fmt = "pdf"
    output_suffix = ".docx"

    def __init__(self, path, blocks, boxes, pages):
        super().__init__(path, blocks, pages=pages)
        self.boxes = boxes
        self.note = "layout approximate: the PDF's text was extracted and written as DOCX"

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "PdfDocument":
        pages = pdf_page_count(path)
        if max_pages and pages > max_pages:
            raise LimitExceeded(f"{path.name}: {pages} pages, above the limit of {max_pages} pages per PDF; split it "
                                f"(e.g. `qpdf {path.name} --pages . 1-{max_pages} -- part1.pdf`) or raise "
                                "LIAISON_TRANSLATION_MAX_PAGES")
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine
        from pdfminer.pdfparser import PDFSyntaxError

        blocks: list[Block] = []
        boxes: dict[str, _BoxInfo] = {}
        raw_boxes = []
        try:
            for page_number, page in enumerate(extract_pages(str(path), laparams=LAParams()), start=1):
                for element in page:
                    if not isinstance(element, LTTextBox):
                        continue
                    lines = []
                    sizes = []
                    for line in element:
                        if not isinstance(line, LTTextLine):
                            continue
                        chars = []
                        for ch in line:
                            text = ch.get_text()
                            if isinstance(ch, LTChar):
                                name = (ch.fontname or "").lower()
                                bold = any(k in name for k in ("bold", "black", "heavy", "semibold"))
                                italic = any(k in name for k in ("italic", "oblique"))
                                sizes.append(ch.size)
                                chars.append((text, ("b",) if bold and not italic else ("i",) if italic and not bold
                                              else ("bi",) if bold and italic else None))
                            else:
                                chars.append((text, chars[-1][1] if chars else None))
                        lines.append(chars)
                    raw_boxes.append(_Box(page_number, tuple(element.bbox), lines,
                                          statistics.mean(sizes) if sizes else 0.0))
        except PDFSyntaxError as exc:
            raise DocumentError(f"{path.name}: damaged PDF ({exc}); open it in a PDF reader and save or print it "
                                "to a new PDF") from exc
        except Exception as exc:  # pdfminer raises many types on broken files
            if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
                raise DocumentError(f"{path.name}: password-protected PDF; remove the password and retry") from exc
            raise DocumentError(f"{path.name}: the PDF cannot be read ({type(exc).__name__}: {str(exc)[:200]}); "
                                "print it to a new PDF and retry") from exc
        sizes = [box.size for box in raw_boxes if box.size]
        body_size = statistics.median(sizes) if sizes else 0.0
        ordered: list[_Box] = []
        tables = 0
        for page_number in sorted({box.page for box in raw_boxes}):
            page_boxes, tables = _layout_page([b for b in raw_boxes if b.page == page_number], tables)
            ordered.extend(page_boxes)
        previous: tuple[_Box, str] | None = None
        for box in ordered:
            runs = _join_lines(box.lines)
            text = "".join(r.text for r in runs).strip()
            if not text:
                continue
            if previous is not None and blocks and _continues(previous[0], box, previous[1], text):
                # One sentence, two line boxes: one block (the layout would otherwise cut it in two).
                last = blocks[-1]
                last.runs = _join_lines([[(ch, r.style) for r in last.runs for ch in r.text],
                                         [(ch, r.style) for r in runs for ch in r.text]])
                previous = (box, "".join(r.text for r in last.runs))
                continue
            block_id = f"p{box.page}b{len(blocks)}"
            blocks.append(Block(block_id, runs))
            heading = bool(body_size) and box.size >= body_size * 1.25 and len(text.split()) <= 14 and not box.cell
            boxes[block_id] = _BoxInfo(box.page, heading, box.cell)
            previous = (box, text)
        if not blocks:
            raise DocumentError(f"{path.name}: no text layer (a scanned document?); run OCR first "
                                "(e.g. `ocrmypdf in.pdf out.pdf`) and translate the result")
        return cls(path, blocks, boxes, pages)

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        import docx
        from docx.enum.text import WD_BREAK
        from docx.shared import Pt, RGBColor

        document = docx.Document()
        note = document.add_paragraph()
        note_run = note.add_run(NOTES.get(target_lang, NOTES["en"]) + f" [{self.path.name}]")
        note_run.italic = True
        note_run.font.size = Pt(9)
        note_run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        current_page = None
        tables: dict[int, object] = {}
        for block in self.blocks:
            info = self.boxes[block.id]
            if current_page is not None and info.page != current_page:
                document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
            current_page = info.page
            if info.cell is not None:
                table_index, row, column = info.cell
                shape = self._table_shape(table_index)
                if table_index not in tables:
                    tables[table_index] = document.add_table(rows=shape[0], cols=shape[1])
                    tables[table_index].style = "Table Grid"
                paragraph = tables[table_index].cell(row, column).paragraphs[0]
            else:
                paragraph = document.add_heading(level=2) if info.heading else document.add_paragraph()
            for run in translated.get(block.id, block.runs):
                added = paragraph.add_run(run.text)
                if run.style in (("b",), ("bi",)):
                    added.bold = True
                if run.style in (("i",), ("bi",)):
                    added.italic = True
        document.core_properties.language = target_lang
        document.save(str(out))

    def _table_shape(self, table_index: int) -> tuple[int, int]:
        cells = [info.cell for info in self.boxes.values() if info.cell and info.cell[0] == table_index]
        return max(c[1] for c in cells) + 1, max(c[2] for c in cells) + 1

    @staticmethod
    def style_label(style) -> str | None:
        return {("b",): "b", ("i",): "i", ("bi",): "b"}.get(style) if style else None


def pdf_page_count(path: Path) -> int:
    """Page count, with clear errors for encrypted and damaged files (read before extracting)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    data_head = path.read_bytes()[:1024]
    if b"%PDF" not in data_head:
        raise DocumentError(f"{path.name}: not a PDF file (no %PDF header); check the file type")
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise DocumentError(f"{path.name}: password-protected PDF; open it with the password, save a copy "
                                        "without protection (or print it to PDF) and retry")
            except (FileNotDecryptedError, NotImplementedError) as exc:
                raise DocumentError(f"{path.name}: encrypted PDF that cannot be opened ({exc}); save an unprotected "
                                    "copy and retry") from exc
        return len(reader.pages)
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DocumentError(f"{path.name}: damaged PDF ({type(exc).__name__}: {str(exc)[:200]}); open it in a PDF "
                            "reader and save or print it to a new PDF") from exc


def _join_lines(lines: list[list[tuple[str, object]]]) -> list[Run]:
    """Lines of a text box as one paragraph: line ends become spaces, hyphenated words are re-joined."""
    chars: list[tuple[str, object]] = []
    for index, line in enumerate(lines):
        line = [(t, s) for t, s in line if t != "\n"]
        while line and line[-1][0].isspace():
            line.pop()
        if not line:
            continue
        if chars:
            last = chars[-1][0]
            first = line[0][0]
            if last == "-" and first.islower() and len(chars) > 1 and chars[-2][0].isalpha():
                chars.pop()
            elif not last.isspace():
                chars.append((" ", chars[-1][1]))
        chars.extend(line)
    runs: list[Run] = []
    for text, style in chars:
        if runs and runs[-1].style == style:
            runs[-1] = Run(runs[-1].text + text, style)
        else:
            runs.append(Run(text, style))
    return runs
