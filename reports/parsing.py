"""Read a return file (CSV or XLSX) into raw rows with their line numbers, refusing what cannot be a
clean table: wrong encoding, legacy or encrypted workbooks, zip bombs, merged cells, several data
sheets, a sheet titled for another year, a missing header."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from reports.errors import ReturnFileError, ReturnIssue

REQUIRED_COLUMNS = ("year", "branch", "instrument", "partner", "direction", "indicator", "value", "unit")
OPTIONAL_COLUMNS = ("breakdown", "note")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# French headers and common variants, normalised (lower case, no accents, underscores).
_HEADER_ALIASES = {
    "annee": "year", "reporting_year": "year", "branche": "branch", "accord": "instrument",
    "partner_country": "partner", "partner_country_or_territory": "partner", "country": "partner",
    "pays": "partner", "partenaire": "partner", "sens": "direction", "indicateur": "indicator",
    "valeur": "value", "unite": "unit", "ventilation": "breakdown", "detail": "breakdown",
    "comment": "note", "commentaire": "note", "remarque": "note",
}
HEADER_SEARCH_ROWS = 10  # a title block above the header is tolerated


@dataclass(slots=True)
class RawRow:
    line: int
    cells: dict[str, Any]


@dataclass
class ParsedFile:
    file_format: str  # "csv" | "xlsx"
    sheet: str | None
    rows: list[RawRow]
    warnings: list[ReturnIssue] = field(default_factory=list)


def _normalise_header(name: Any) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    return _HEADER_ALIASES.get(key, key)


def _header_map(values: list[Any]) -> dict[int, str] | None:
    """Column index -> field name, when `values` looks like the header row."""
    names = [_normalise_header(v) for v in values]
    if not {"indicator", "value"} <= set(names):
        return None
    return {i: n for i, n in enumerate(names) if n}


def _check_header(mapping: dict[int, str], line: int, sheet: str | None) -> list[ReturnIssue]:
    issues = []
    present = list(mapping.values())
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if missing:
        issues.append(ReturnIssue(
            "missing_column", f"missing column(s) {', '.join(missing)} (expected header: {', '.join(COLUMNS)})",
            line, sheet))
    doubled = sorted({c for c in present if present.count(c) > 1 and c in COLUMNS})
    if doubled:
        issues.append(ReturnIssue("duplicate_column", f"column(s) {', '.join(doubled)} appear twice", line, sheet))
    return issues


def _unknown_columns(mapping: dict[int, str], line: int, sheet: str | None) -> list[ReturnIssue]:
    extra = [n for n in mapping.values() if n not in COLUMNS]
    if not extra:
        return []
    return [ReturnIssue("ignored_column", f"column(s) {', '.join(extra)} ignored", line, sheet)]


def sniff_format(content: bytes) -> str:
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReturnFileError([ReturnIssue(
            "unsupported_format", "legacy .xls or password-protected workbook: save it as .xlsx (without "
            "password) or as CSV UTF-8")])
    if content[:4] in (b"%PDF",) or content[:2] == b"\x1f\x8b":
        raise ReturnFileError([ReturnIssue("unsupported_format", "not a CSV or XLSX file")])
    return "csv"


def parse_file(content: bytes, *, year: int, max_unpacked_mb: float) -> ParsedFile:
    if sniff_format(content) == "xlsx":
        return parse_xlsx(content, year=year, max_unpacked_mb=max_unpacked_mb)
    return parse_csv(content)


# --- CSV ------------------------------------------------------------------------------------------

def _decode(content: bytes) -> str:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ReturnFileError([ReturnIssue(
            "encoding", "the file is UTF-16 encoded: save it as 'CSV UTF-8' and upload it again", 1)])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        line_start = content.rfind(b"\n", 0, exc.start) + 1
        column = exc.start - line_start + 1
        byte = content[exc.start]
        try:
            content.decode("cp1252")
            guess = "; it looks like Windows-1252/Latin-1"
        except UnicodeDecodeError:
            guess = ""
        raise ReturnFileError([ReturnIssue(
            "encoding", f"the file is not UTF-8 (byte 0x{byte:02X} at character {column}){guess}: "
            "save it as 'CSV UTF-8' and upload it again", line)]) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ReturnFileError([ReturnIssue("unsupported_format", "binary content (NUL byte): not a CSV file", line)])
    return text


def parse_csv(content: bytes) -> ParsedFile:
    text = _decode(content)
    lines = text.splitlines()
    header_idx = next((i for i, ln in enumerate(lines[:HEADER_SEARCH_ROWS]) if ln.strip()), None)
    if header_idx is None:
        raise ReturnFileError([ReturnIssue("empty", "the file is empty")])
    header_line = lines[header_idx]
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    mapping: dict[int, str] | None = None
    rows: list[RawRow] = []
    warnings: list[ReturnIssue] = []
    previous_end = 0
    try:
        for values in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if mapping is None:
                if start > HEADER_SEARCH_ROWS:
                    break
                mapping = _header_map(values)
                if mapping is not None:
                    issues = _check_header(mapping, start, None)
                    if issues:
                        raise ReturnFileError(issues)
                    warnings += _unknown_columns(mapping, start, None)
                continue
            if not any(v.strip() for v in values):
                continue
            cells = {name: (values[i] if i < len(values) else "") for i, name in mapping.items()}
            if len(values) > len(mapping) and any(v.strip() for v in values[len(mapping):]):
                cells["__extra__"] = True
            rows.append(RawRow(start, cells))
    except csv.Error as exc:
        raise ReturnFileError([ReturnIssue("malformed_csv", f"malformed CSV: {exc}", reader.line_num)]) from None
    if mapping is None:
        raise ReturnFileError([ReturnIssue(
            "missing_header", f"no header row found in the first {HEADER_SEARCH_ROWS} lines "
            f"(expected: {', '.join(COLUMNS)})")])
    return ParsedFile("csv", None, rows, warnings)


# --- XLSX -----------------------------------------------------------------------------------------

_YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _first_row(ref: str) -> int:
    return int(re.search(r"\d+", ref).group())


def _check_zip(content: bytes, max_unpacked_mb: float) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            names = set(zf.namelist())
            unpacked = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise ReturnFileError([ReturnIssue("unsupported_format", "damaged XLSX file (not a valid zip archive)")]) from None
    if "xl/workbook.xml" not in names:
        raise ReturnFileError([ReturnIssue(
            "unsupported_format", "not an XLSX workbook (an OpenDocument or other zip file?): save it as .xlsx or CSV UTF-8")])
    if unpacked > max_unpacked_mb * 1_000_000:
        raise ReturnFileError([ReturnIssue(
            "too_large", f"the workbook unpacks to {unpacked / 1_000_000:.1f} MB; the limit is {max_unpacked_mb:g} MB: "
            "split the return or remove unused sheets")])


def _find_header(book, path: str) -> tuple[int, dict[int, str]] | None:
    for number, values in book.rows(path, max_rows=HEADER_SEARCH_ROWS):
        mapping = _header_map(values)
        if mapping is not None:
            return number, mapping
    return None


def parse_xlsx(content: bytes, *, year: int, max_unpacked_mb: float) -> ParsedFile:
    from reports.xlsx import XlsxBook

    _check_zip(content, max_unpacked_mb)
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        try:
            book = XlsxBook(zf)
            candidates = []
            for title, path in book.sheets:
                found = _find_header(book, path)
                if found is not None:
                    candidates.append((title, path, *found))
        except (KeyError, ValueError, IndexError, zipfile.BadZipFile, zlib.error, EOFError, ET.ParseError) as exc:
            raise ReturnFileError([ReturnIssue("unsupported_format", f"the workbook cannot be read ({exc})")]) from None
        if not candidates:
            raise ReturnFileError([ReturnIssue(
                "missing_header", f"no sheet has a header row in its first {HEADER_SEARCH_ROWS} lines "
                f"(expected: {', '.join(COLUMNS)})")])
        if len(candidates) > 1:
            titles = ", ".join(repr(c[0]) for c in candidates)
            raise ReturnFileError([ReturnIssue(
                "several_sheets", f"several sheets hold figures ({titles}): a return holds one sheet for one "
                "year and one branch; send the others as separate returns")])
        sheet, path, header_row, mapping = candidates[0]
        title_year = _YEAR_IN_TITLE.search(sheet)
        if title_year and int(title_year.group(1)) != year:
            raise ReturnFileError([ReturnIssue(
                "wrong_year", f"this sheet is for year {title_year.group(1)}, but this return is for {year}",
                None, sheet)])
        issues = _check_header(mapping, header_row, sheet)
        if issues:
            raise ReturnFileError(issues)
        warnings = _unknown_columns(mapping, header_row, sheet)
        width = max(mapping) + 1
        rows: list[RawRow] = []
        merged: list[str] = []
        try:
            for number, values in book.rows(path, merged=merged):
                if number <= header_row or not any(v is not None and str(v).strip() for v in values):
                    continue
                cells = {name: (values[i] if i < len(values) else None) for i, name in mapping.items()}
                if any(v is not None and str(v).strip() for v in values[width:]):
                    cells["__extra__"] = True
                rows.append(RawRow(number, cells))
        except (ValueError, IndexError, ET.ParseError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            # A damaged member (bad CRC, truncated stream) shows only once it is read past the header.
            raise ReturnFileError([ReturnIssue("unsupported_format", f"sheet {sheet!r} cannot be read ({exc})",
                                               None, sheet)]) from None
        if merged:
            raise ReturnFileError([ReturnIssue(
                "merged_cells", f"merged cells {ref}: unmerge them and repeat the value on every line",
                _first_row(ref), sheet) for ref in dict.fromkeys(merged)])
        return ParsedFile("xlsx", sheet, rows, warnings)
