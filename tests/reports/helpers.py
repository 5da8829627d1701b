"""Building return files for tests: CSV text and XLSX workbooks made from the real templates."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

from reports.parsing import COLUMNS

HEADER = list(COLUMNS)


def row(partner="DE", value=10, indicator="persons_registered_healthcare", unit="count", *, year=2025,
        branch="health", instrument="EU", direction="FR_COMPETENT", breakdown="", note="") -> list:
    return [year, branch, instrument, partner, direction, indicator, value, unit, breakdown, note]


def csv_bytes(rows: list[list], header: list[str] = HEADER, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, year: int = 2025, branch: str = "health", sheet_title: str | None = None,
               edit=None) -> bytes:
    """The real XLSX template filled with `rows`; `edit(ws)` may break it (merge cells, add formulas)."""
    import openpyxl

    from reports.templates import build_template

    wb = openpyxl.load_workbook(io.BytesIO(build_template(branch, year, "xlsx")))
    ws = wb[f"Return {year}"]
    ws.delete_rows(2, ws.max_row)
    for r in rows:
        ws.append(r)
    if sheet_title:
        ws.title = sheet_title
    if edit:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf_text(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext missing: run `make install-system` (poppler-utils)"
    return subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
