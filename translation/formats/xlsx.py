"""Excel (.xlsx): the text cells live in the shared-strings table (`xl/sharedStrings.xml`) or, as
openpyxl writes them, inline in the cells (`t="inlineStr"`); both are translated at the XML level and every other part of the workbook (formulas, numbers, dates,
styles, charts, images, macros' absence or presence) is copied byte for byte. openpyxl would rewrite
the workbook and drop charts and images, hence this narrower, lossless route. Rich-text runs (bold,
italic, colour inside a cell) are carried as spans."""
from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

from translation.errors import DocumentError
from translation.formats.base import Document
from translation.segments import Block, Run

S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
S = "{%s}" % S_NS
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SHARED = "xl/sharedStrings.xml"
MAX_UNCOMPRESSED = 400 * 1024 * 1024


def _key(run) -> bytes:
    from lxml import etree

    rpr = run.find(S + "rPr")
    return etree.tostring(rpr) if rpr is not None else b""


class XlsxDocument(Document):
    fmt = "xlsx"

    def __init__(self, path, blocks, roots, items, sheets):
        super().__init__(path, blocks, pages=sheets)
        self.roots: dict[str, object] = roots  # part name -> parsed XML holding text
        self.items: dict[str, object] = items  # block id -> <si>

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "XlsxDocument":
        from lxml import etree

        try:
            with zipfile.ZipFile(path) as archive:
                if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED:
                    raise DocumentError(f"{path.name}: the workbook unpacks to more than 400 MB; refused")
                names = set(archive.namelist())
                if "xl/workbook.xml" not in names:
                    raise DocumentError(f"{path.name}: not an Excel .xlsx workbook (no xl/workbook.xml)")
                sheets = sum(1 for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
                data = archive.read(SHARED) if SHARED in names else None
        except zipfile.BadZipFile:
            raise DocumentError(f"{path.name}: not a valid .xlsx file (damaged, or an old .xls saved under a new "
                                "name: save it again as .xlsx)") from None
        if max_pages is not None and sheets > max_pages:
            raise DocumentError(f"{path.name}: {sheets} sheets, above the limit of {max_pages}")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        roots: dict[str, object] = {}
        candidates: list[tuple[str, object]] = []
        if data is not None:
            roots[SHARED] = etree.fromstring(data, parser)
            candidates += [(f"s{i}", item) for i, item in enumerate(roots[SHARED].iter(S + "si"))]
        with zipfile.ZipFile(path) as archive:  # cells holding their own text (t="inlineStr")
            for name in sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)):
                sheet = archive.read(name)
                if b'"inlineStr"' not in sheet:
                    continue
                roots[name] = etree.fromstring(sheet, parser)
                number = re.search(r"(\d+)", name.rsplit("/", 1)[-1]).group(1)
                for cell in roots[name].iter(S + "c"):
                    inline = cell.find(S + "is")
                    if cell.get("t") == "inlineStr" and inline is not None:
                        candidates.append((f"w{number}.{cell.get('r')}", inline))
        blocks: list[Block] = []
        items: dict[str, object] = {}
        for block_id, item in candidates:
            runs = item.findall(S + "r")
            if runs:
                keys = [_key(r) for r in runs]
                base = max(set(keys), key=keys.count)
                block_runs = [Run("".join(t.text or "" for t in r.iter(S + "t")), None if k == base else k)
                              for r, k in zip(runs, keys)]
            else:
                direct = item.find(S + "t")
                block_runs = [Run(direct.text or "")] if direct is not None else []
            block_runs = [r for r in block_runs if r.text]
            if block_runs and "".join(r.text for r in block_runs).strip():
                blocks.append(Block(block_id, block_runs, "cell"))
                items[block_id] = item
        return cls(path, blocks, roots, items, sheets)

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        from lxml import etree

        for block_id, runs in translated.items():
            item = self.items.get(block_id)
            if item is None:
                continue
            originals = item.findall(S + "r")
            templates: dict = {}
            base = None
            if originals:
                keys = [_key(r) for r in originals]
                base = max(set(keys), key=keys.count)
                for run, key in zip(originals, keys):
                    templates.setdefault(key, run)
            for child in list(item):
                item.remove(child)  # text, runs and phonetic hints of the old text
            if not templates:
                t = etree.SubElement(item, S + "t")
                t.text = "".join(r.text for r in runs)
                t.set(XML_SPACE, "preserve")
                continue
            for piece in runs:
                template = templates.get(piece.style if piece.style is not None else base, templates[base])
                run = copy.deepcopy(template)
                for t in run.findall(S + "t"):
                    run.remove(t)
                t = etree.SubElement(run, S + "t")
                t.text = piece.text
                t.set(XML_SPACE, "preserve")
                item.append(run)
        with zipfile.ZipFile(self.path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename in self.roots:
                    data = etree.tostring(self.roots[info.filename], xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                target.writestr(info, data)

    @staticmethod
    def style_label(style) -> str | None:
        if not style:
            return None
        text = style.decode("utf-8", "replace") if isinstance(style, bytes) else str(style)
        if "<b/>" in text or "<b " in text:
            return "b"
        if "<i/>" in text or "<i " in text:
            return "i"
        return None
