"""DOCX at the XML level, so every part with text is covered: body, tables (nested too), headers,
footers, footnotes, endnotes and text boxes. Everything that is not text stays where it is
(pictures, fields such as page numbers and tables of contents, tabs, line breaks, tracked deletions,
equations); each stretch of text between two of them is one block, and its runs'
properties (bold, italic, font, colour, hyperlinks) are carried as spans and re-applied to the
translated words. Tracked insertions stay insertions (same author and date) around their translated
words; the text of an inline content control is a block of its own, written back inside the control.
Paragraph properties, styles, numbering and section layout are not touched; the language of the runs
is set to the target language.
"""
from __future__ import annotations

import copy
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from translation.errors import DocumentError, LimitExceeded
from translation.formats.base import Document
from translation.languages import DOCUMENT_LOCALES
from translation.segments import Block, Run

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{%s}" % W_NS
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TEXT_PART_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
}
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
# Children of w:p whose runs are ordinary text for us (the wrapper itself is dropped on rewrite).
TRANSPARENT = {W + "smartTag", W + "customXml"}
# Tracked changes kept as containers around their translated runs, like hyperlinks: an insertion
# stays an insertion (same author and date).
TRACKED = {W + "ins", W + "moveTo"}
MARKERS = {W + "bookmarkStart", W + "bookmarkEnd", W + "commentRangeStart", W + "commentRangeEnd",
           W + "permStart", W + "permEnd", W + "moveToRangeStart", W + "moveToRangeEnd",
           W + "moveFromRangeStart", W + "moveFromRangeEnd"}
DROPPED_IN_RUN = {W + "lastRenderedPageBreak", W + "softHyphen"}
MAX_UNCOMPRESSED = 400 * 1024 * 1024
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# An inline code (footnote reference, field, tracked deletion) inside a sentence: one placeholder
# character in the block's text, protected, whose style ("code", n) names the original elements that
# are put back at its place in the translation (CAT tools' inline tags).
CODE_CHAR = "\ue000"
CODE_RUN_CHILDREN = {W + "footnoteReference", W + "endnoteReference", W + "commentReference"}
CODE_PARAGRAPH_CHILDREN = {W + "fldSimple", W + "del", W + "moveFrom"}


@dataclass
class _PieceInfo:
    part_index: int
    paragraph: object
    runs: list  # original w:r elements holding the text, in order
    templates: dict  # style key -> (w:r template, hyperlink container or None)
    base: tuple  # the most used style key (written for runs with style None)
    codes: dict = field(default_factory=dict)  # ("code", n) -> the original elements of the inline code
    first: object = None  # the piece's first element (text run or code), where the translation goes


@dataclass
class _Part:
    part: object
    root: object
    is_xml_part: bool
    pieces: list[str] = field(default_factory=list)


def check_docx_container(data: bytes, name: str) -> None:
    """Clear errors for the usual bad inputs, before python-docx sees them."""
    if data[:8] == CFB_MAGIC:
        if "EncryptionInfo".encode("utf-16-le") in data[:1 << 20] or b"EncryptedPackage" in data[:1 << 20] \
                or "EncryptedPackage".encode("utf-16-le") in data[:1 << 20]:
            raise DocumentError(f"{name}: password-protected (encrypted) Word document. Open it in Word, remove "
                                "the password (File > Info > Protect Document > Encrypt with Password), save and retry")
        raise DocumentError(f"{name}: this is an old Word 97-2003 .doc file, not .docx; "
                            "open it and save it as .docx, then retry")
    if not data.startswith(b"PK"):
        raise DocumentError(f"{name}: not a DOCX file (not a zip archive: the file is corrupt, truncated or of "
                            "another type); export it again from the word processor")
    try:
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise DocumentError(f"{name}: corrupt DOCX ([Content_Types].xml missing); export it again")
            bad = archive.testzip()
            if bad:
                raise DocumentError(f"{name}: corrupt DOCX (damaged entry {bad}); export it again")
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"{name}: corrupt DOCX ({exc}); the file may be truncated, export it again") from exc
    if total > MAX_UNCOMPRESSED:
        raise LimitExceeded(f"{name}: expands to {total // (1 << 20)} MB when unzipped (limit "
                            f"{MAX_UNCOMPRESSED >> 20} MB); is it really a letter or form?")


def _rpr_key(run) -> bytes:
    from lxml import etree

    rpr = run.find(W + "rPr")
    if rpr is None:
        return b""
    rpr = copy.deepcopy(rpr)
    for child in list(rpr):
        if child.tag in (W + "lang", W + "noProof"):
            rpr.remove(child)  # spell-check settings do not make formatting differ
    return etree.tostring(rpr)


def _split_mixed_run(run) -> list:
    """A w:r holding text and non-text (tab, break, picture) becomes several runs with the same
    properties, so text and non-text can be handled separately."""
    content = [c for c in run if c.tag != W + "rPr"]
    kinds = []
    for child in content:
        if child.tag in DROPPED_IN_RUN:
            continue
        kinds.append("text" if child.tag in (W + "t", W + "noBreakHyphen") else "other")
    if len(set(kinds)) <= 1 and kinds.count("other") <= 1:
        return [run]
    rpr = run.find(W + "rPr")
    parent = run.getparent()
    position = parent.index(run)
    new_runs = []
    for child in content:
        if child.tag in DROPPED_IN_RUN:
            continue
        kind = "text" if child.tag in (W + "t", W + "noBreakHyphen") else "other"
        if new_runs and kind == "text" and new_runs[-1][0] == "text":
            new_runs[-1][1].append(child)
            continue
        new_run = run.makeelement(W + "r", run.attrib)
        if rpr is not None:
            new_run.append(copy.deepcopy(rpr))
        new_run.append(child)
        new_runs.append((kind, new_run))
    parent.remove(run)
    for offset, (_, new_run) in enumerate(new_runs):
        parent.insert(position + offset, new_run)
    return [r for _, r in new_runs]


def _run_kind(run, field_depth: list[int]) -> str:
    """'text', 'atom' or 'drop' for a (split) run; updates the complex-field depth."""
    kind = "drop"
    for child in run:
        tag = child.tag
        if tag == W + "rPr" or tag in DROPPED_IN_RUN:
            continue
        if tag == W + "fldChar":
            char_type = child.get(W + "fldCharType")
            if char_type == "begin":
                field_depth[0] += 1
            elif char_type == "end":
                field_depth[0] = max(0, field_depth[0] - 1)
                return "atom"
            return "atom"
        if tag in (W + "t", W + "noBreakHyphen"):
            kind = "text"
        else:
            return "atom"
    if field_depth[0] > 0:
        return "atom"
    return kind


def _run_text(run) -> str:
    parts = []
    for child in run:
        if child.tag == W + "t":
            parts.append(child.text or "")
        elif child.tag == W + "noBreakHyphen":
            parts.append("\u2011")
    return "".join(parts)


class DocxDocument(Document):
    fmt = "docx"

    def __init__(self, path, blocks, docx_document, parts, pieces, pages):
        super().__init__(path, blocks, pages=pages)
        self._doc = docx_document
        self._parts = parts
        self._pieces = pieces

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "DocxDocument":
        import docx
        from docx.opc.part import XmlPart
        from lxml import etree

        data = path.read_bytes()
        check_docx_container(data, path.name)
        try:
            document = docx.Document(str(path))
        except Exception as exc:  # python-docx raises KeyError, ValueError, XMLSyntaxError ...
            raise DocumentError(f"{path.name}: corrupt or unsupported DOCX ({type(exc).__name__}: {str(exc)[:200]}); "
                                "open it in the word processor and save it again") from exc
        pages = _declared_pages(data)
        if max_pages and pages and pages > max_pages:
            raise LimitExceeded(f"{path.name}: {pages} pages, above the limit of {max_pages}; split the document "
                                "or raise LIAISON_TRANSLATION_MAX_PAGES")
        blocks: list[Block] = []
        pieces: dict[str, _PieceInfo] = {}
        parts: list[_Part] = []
        package_parts = [p for p in document.part.package.iter_parts() if p.content_type in TEXT_PART_TYPES]
        # Main document first, then headers/footers/notes in a stable order.
        package_parts.sort(key=lambda p: (0 if p.content_type.endswith("main+xml") else 1, str(p.partname)))
        for part_index, part in enumerate(package_parts):
            is_xml = isinstance(part, XmlPart)
            try:
                root = part.element if is_xml else etree.fromstring(
                    part.blob, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
            except etree.XMLSyntaxError as exc:
                raise DocumentError(f"{path.name}: corrupt part {part.partname} ({exc.msg}); save the document again") from exc
            record = _Part(part, root, is_xml)
            parts.append(record)
            field_depth = [0]
            for p_index, paragraph in enumerate(root.iter(W + "p")):
                for k, info_runs in enumerate(_paragraph_pieces(paragraph, field_depth)):
                    block, info = _make_block(f"d{part_index}p{p_index}k{k}", part_index, paragraph, info_runs)
                    if block is not None:
                        blocks.append(block)
                        pieces[block.id] = info
                        record.pieces.append(block.id)
        return cls(path, blocks, document, parts, pieces, pages)

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        from lxml import etree

        locale = DOCUMENT_LOCALES.get(target_lang, target_lang)
        for block_id, runs in translated.items():
            info = self._pieces.get(block_id)
            if info is not None:
                _rewrite_piece(info, runs, locale)
        for record in self._parts:
            if not record.is_xml_part:
                record.part._blob = etree.tostring(record.root, xml_declaration=True, encoding="UTF-8", standalone=True)
        for part in self._doc.part.package.iter_parts():
            if part.content_type == STYLES_TYPE:
                for lang in part.element.iter(W + "lang"):
                    if lang.get(W + "val"):
                        lang.set(W + "val", locale)
        self._doc.core_properties.language = locale
        self._doc.save(str(out))

    @staticmethod
    def style_label(style) -> str | None:
        if not style:
            return None
        if style[0] == "code":
            return "code"
        container, rpr = style
        if container is not None:
            return "link" if container[1] == "hyperlink" else container[1]  # ins, moveTo: tracked changes
        text = rpr.decode("utf-8", "ignore") if isinstance(rpr, bytes) else ""
        if "<w:b/>" in text or "<w:b " in text:
            return "b"
        if "<w:i/>" in text or "<w:i " in text:
            return "i"
        if "<w:u " in text:
            return "u"
        return "fmt"


def _declared_pages(data: bytes) -> int | None:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            app = archive.read("docProps/app.xml").decode("utf-8", "ignore")
    except (KeyError, zipfile.BadZipFile):
        return None
    m = re.search(r"<(?:\w+:)?Pages>(\d+)</", app)
    return int(m.group(1)) if m else None


def _paragraph_pieces(paragraph, field_depth: list[int]) -> list[list[tuple]]:
    """Stretches of text runs between non-text items: each item (run, hyperlink container or None)."""
    pieces: list[list[tuple]] = [[]]

    def boundary() -> None:
        if pieces[-1]:
            pieces.append([])

    open_field: list = []  # runs of a complex field begun in this paragraph (begin ... end)

    def visit_run(run, container) -> None:
        for part in _split_mixed_run(run):
            depth_before = field_depth[0]
            kind = _run_kind(part, field_depth)
            starts_field = any(c.tag == W + "fldChar" and c.get(W + "fldCharType") == "begin" for c in part)
            if open_field or (starts_field and depth_before == 0):
                open_field.append(part)
                if field_depth[0] == 0:  # the field closed in this paragraph: one inline code
                    pieces[-1].append((list(open_field), None, "code"))
                    open_field.clear()
                continue
            if kind == "text":
                pieces[-1].append((part, container))
            elif kind == "atom" and any(c.tag in CODE_RUN_CHILDREN for c in part):
                pieces[-1].append(([part], None, "code"))
            elif kind == "atom":
                boundary()

    for child in list(paragraph):
        tag = child.tag
        if tag == W + "pPr" or tag in MARKERS:
            continue
        if tag == W + "proofErr":
            paragraph.remove(child)
            continue
        if tag == W + "r":
            visit_run(child, None)
        elif tag == W + "sdt":
            # An inline content control: its text is a block of its own, rewritten inside sdtContent.
            boundary()
            content = child.find(W + "sdtContent")
            for run in list(content) if content is not None else []:
                if run.tag == W + "r":
                    visit_run(run, None)
                elif run.tag not in MARKERS:
                    boundary()
            boundary()
        elif tag == W + "hyperlink" or tag in TRACKED:
            for run in list(child):
                if run.tag == W + "r":
                    visit_run(run, child)
                elif run.tag not in MARKERS:
                    boundary()
        elif tag in TRANSPARENT:
            for run in list(child):
                if run.tag == W + "r":
                    visit_run(run, None)
                elif run.tag not in MARKERS:
                    boundary()
        elif tag in CODE_PARAGRAPH_CHILDREN:
            pieces[-1].append(([child], None, "code"))  # simple field, tracked deletion: inline codes
        else:
            boundary()  # m:oMath, pictures ...: kept as they are
    if open_field:  # a field running on into the next paragraph (tables of contents): left as it is
        boundary()
    result = []
    for piece in pieces:
        # Codes before the first or after the last text stay outside the block, where they are.
        while piece and len(piece[0]) == 3:
            piece.pop(0)
        while piece and len(piece[-1]) == 3:
            piece.pop()
        if piece:
            result.append(piece)
    if open_field:
        open_runs = {id(r) for r in open_field}
        result = [[item for item in piece if not (len(item) == 3 and any(id(e) in open_runs for e in item[0]))]
                  for piece in result]
    return [p for p in result if p]


def _make_block(block_id: str, part_index: int, paragraph, items: list[tuple]):
    runs: list[Run] = []
    templates: dict = {}
    weights: Counter = Counter()
    containers: dict[int, int] = {}
    keyed = []
    codes: dict = {}
    for item in items:
        if len(item) == 3:  # an inline code
            key = ("code", len(codes))
            codes[key] = item[0]
            keyed.append((CODE_CHAR, key))
            continue
        run, container = item
        text = _run_text(run)
        container_key = None
        if container is not None:
            container_key = (containers.setdefault(id(container), len(containers)),
                             container.tag.rsplit("}", 1)[-1])
        key = (container_key, _rpr_key(run))
        templates.setdefault(key, (run, container))
        weights[key] += len(text)
        keyed.append((text, key))
    if not "".join(t for t, k in keyed if k not in codes).strip():
        return None, None
    base = max(weights, key=lambda k: (weights[k], k[0] is None))
    for text, key in keyed:
        runs.append(Run(text, key, True) if key in codes else Run(text, None if key == base else key))
    first = items[0][0][0] if len(items[0]) == 3 else items[0][0]
    return Block(block_id, runs), _PieceInfo(part_index, paragraph, [i[0] for i in items if len(i) == 2], templates,
                                             base, codes, first)


def _new_run(template, text: str, locale: str):
    run = template.makeelement(W + "r", template.attrib)
    rpr = template.find(W + "rPr")
    if rpr is not None:
        rpr = copy.deepcopy(rpr)
        for lang in rpr.findall(W + "lang"):
            if lang.get(W + "val"):
                lang.set(W + "val", locale)
        run.append(rpr)
    t = run.makeelement(W + "t", {})
    t.text = text
    if text != text.strip() or "  " in text:
        t.set(XML_SPACE, "preserve")
    run.append(t)
    return run


def _rewrite_piece(info: _PieceInfo, runs: list[Run], locale: str) -> None:
    paragraph = info.paragraph
    first = info.first if info.first is not None else info.runs[0]
    anchor = first
    if first.getparent().tag == W + "sdtContent":  # a content control's text stays inside the control
        paragraph = first.getparent()
    while anchor.getparent() is not paragraph:
        anchor = anchor.getparent()
    parent = anchor.getparent()
    position = parent.index(anchor)
    new_nodes = []
    current_container = None
    current_wrapper = None
    placed: set = set()
    for run in runs:
        if run.style in info.codes:  # the original field / note reference / deletion, moved here
            if run.style not in placed:
                placed.add(run.style)
                current_container = current_wrapper = None
                new_nodes.extend(info.codes[run.style])
            continue
        if not run.text:
            continue
        key = run.style if run.style in info.templates else info.base
        template, container = info.templates[key]
        element = _new_run(template, run.text, locale)
        if container is None:
            current_container = current_wrapper = None
            new_nodes.append(element)
            continue
        if container is not current_container:
            current_container = container
            current_wrapper = container.makeelement(container.tag, container.attrib)
            new_nodes.append(current_wrapper)
        current_wrapper.append(element)
    for key, elements in info.codes.items():  # never lose a code the translation did not place
        if key not in placed:
            new_nodes.extend(elements)
    if first in [n for elements in info.codes.values() for n in elements]:
        # The anchor itself moves: insert before whatever follows it (its position is recomputed).
        position = parent.index(anchor)
    for offset, node in enumerate(new_nodes):
        parent.insert(position + offset, node)
    for old in info.runs:
        holder = old.getparent()
        if holder is None:
            continue
        holder.remove(old)
        # A hyperlink or insertion wrapper left with nothing but markers goes too.
        if holder is not paragraph and holder.tag in (W + "hyperlink", *TRANSPARENT, *TRACKED) \
                and not any(child.tag not in MARKERS for child in holder):
            markers = list(holder)
            grand = holder.getparent()
            if grand is not None:
                index = grand.index(holder)
                for i, marker in enumerate(markers):
                    grand.insert(index + i, marker)
                grand.remove(holder)
