"""A streaming reader of XLSX worksheets for returns: cell values, formulas (kept as '=...' so they can be
refused), date-formatted numbers (as datetimes) and merged ranges, in one pass over the sheet XML.

openpyxl's read-only mode builds an object per cell and runs ~5x slower; a return of 100,000 lines must
import well within the benchmark goal. Only what a return needs is read (no styles beyond date formats).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import iterparse

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


@dataclass(frozen=True)
class Formula:
    text: str

    def __str__(self) -> str:
        return self.text


class XlsxBook:
    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.sheets = self._sheets()
        self.shared = self._shared_strings()
        self.date_styles = self._date_styles()

    # --- workbook parts ---------------------------------------------------------------------------
    def _xml(self, name: str):
        with self.zf.open(name) as fh:
            for _, elem in iterparse(fh, events=("end",)):
                yield elem

    def _sheets(self) -> list[tuple[str, str]]:
        targets = {}
        rels = "xl/_rels/workbook.xml.rels"
        if rels in self.zf.namelist():
            for elem in self._xml(rels):
                if _local(elem.tag) == "Relationship":
                    target = elem.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                        posixpath.join("xl", target))
                    targets[elem.get("Id")] = path
        sheets = []
        for elem in self._xml("xl/workbook.xml"):
            if _local(elem.tag) == "sheet":
                rid = elem.get(f"{{{_REL_NS}}}id") or elem.get("{http://purl.oclc.org/ooxml/officeDocument/relationships}id")
                path = targets.get(rid)
                if path and path in self.zf.namelist():
                    sheets.append((elem.get("name", ""), path))
        return sheets

    def _shared_strings(self) -> list[str]:
        name = "xl/sharedStrings.xml"
        if name not in self.zf.namelist():
            return []
        out: list[str] = []
        with self.zf.open(name) as fh:
            for _, elem in iterparse(fh, events=("end",)):
                if _local(elem.tag) == "si":
                    # Plain text (<t>) or rich text runs (<r><t>); phonetic hints (<rPh>) are not content.
                    parts = []
                    for child in elem:
                        name = _local(child.tag)
                        if name == "t":
                            parts.append(child.text or "")
                        elif name == "r":
                            parts += [t.text or "" for t in child if _local(t.tag) == "t"]
                    out.append("".join(parts))
                    elem.clear()
        return out

    def _date_styles(self) -> set[int]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        name = "xl/styles.xml"
        if name not in self.zf.namelist():
            return set()
        custom: dict[int, str] = {}
        xfs: list[int] = []
        in_cell_xfs = False
        with self.zf.open(name) as fh:
            for event, elem in iterparse(fh, events=("start", "end")):
                tag = _local(elem.tag)
                if tag == "cellXfs":
                    in_cell_xfs = event == "start"
                elif event == "end" and tag == "numFmt":
                    custom[int(elem.get("numFmtId", "0"))] = elem.get("formatCode", "")
                elif event == "end" and tag == "xf" and in_cell_xfs:
                    xfs.append(int(elem.get("numFmtId", "0")))
        dates = set()
        for index, fmt_id in enumerate(xfs):
            code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
            if is_date_format(code):
                dates.add(index)
        return dates

    # --- worksheet ---------------------------------------------------------------------------------
    def rows(self, path: str, *, max_rows: int | None = None, merged: list[str] | None = None
             ) -> Iterator[tuple[int, list]]:
        """(row number, values by column) for each non-empty row; merged ranges are appended to `merged`
        when the whole sheet is read."""
        from openpyxl.utils.datetime import from_excel

        shared, date_styles = self.shared, self.date_styles
        previous_row = 0
        ns = None
        with self.zf.open(path) as fh:
            events = iterparse(fh, events=("start", "end"))
            for event, elem in events:  # the root tells the namespace (transitional or strict OOXML)
                ns = elem.tag[:elem.tag.index("}") + 1] if elem.tag.startswith("{") else ""
                break
            row_tag, c_tag, merge_tag = ns + "row", ns + "c", ns + "mergeCell"
            tags = {"v": ns + "v", "f": ns + "f", "is": ns + "is", "t": ns + "t"}
            for event, elem in events:
                if event != "end":
                    continue
                tag = elem.tag
                if tag == row_tag:
                    number = int(elem.get("r") or previous_row + 1)
                    previous_row = number
                    values: dict[int, object] = {}
                    position = -1
                    for cell in elem:
                        if cell.tag != c_tag:
                            continue
                        ref = cell.get("r")
                        position = column_index(ref.rstrip("0123456789")) if ref else position + 1
                        value = _value(cell, tags, shared, date_styles, from_excel)
                        if value is not None:
                            values[position] = value
                    elem.clear()
                    if values:
                        yield number, [values.get(i) for i in range(max(values) + 1)]
                        if max_rows is not None and number >= max_rows:
                            return
                elif tag == merge_tag and merged is not None:
                    merged.append(elem.get("ref", ""))


def _value(cell, tags, shared, date_styles, from_excel):
    kind = cell.get("t", "n")
    v = f = inline = None
    for child in cell:
        tag = child.tag
        if tag == tags["v"]:
            v = child.text
        elif tag == tags["f"]:
            f = child
        elif tag == tags["is"]:
            inline = "".join(t.text or "" for t in child.iter(tags["t"]))
    if f is not None:
        return Formula("=" + (f.text or f"<{f.get('t', 'shared')} formula>"))
    if kind == "s":
        return shared[int(v)] if v is not None and v.isdigit() and int(v) < len(shared) else None
    if kind == "inlineStr":
        return inline
    if v is None:
        return None
    if kind == "b":
        return v == "1"
    if kind in ("str", "e"):
        return v
    if kind == "d":
        from datetime import datetime

        return datetime.fromisoformat(v)
    style = cell.get("s")
    if style is not None and int(style) in date_styles:
        return from_excel(float(v))
    if v.isdigit() or (v[:1] == "-" and v[1:].isdigit()):
        return int(v)
    return float(v)
