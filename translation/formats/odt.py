"""OpenDocument text (.odt) through odfpy: paragraphs and headings of the body, tables, frames,
headers/footers and notes. Text and `text:span` runs are translated (the span's style carried as a
span); every other element inside a paragraph (note, field, bookmark, frame, tab, line break,
spaces) stays where it is and cuts the paragraph into blocks. odfpy writes the rest back as read."""
from __future__ import annotations

from pathlib import Path

from translation.errors import DocumentError
from translation.formats.base import Document
from translation.segments import Block, Run

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _is_text(node) -> bool:
    return node.nodeType == node.TEXT_NODE


def _simple_span(node) -> bool:
    return node.nodeType == node.ELEMENT_NODE and node.qname == (TEXT_NS, "span") \
        and all(_is_text(child) for child in node.childNodes)


def _node_text(node) -> str:
    if _is_text(node):
        return node.data
    return "".join(child.data for child in node.childNodes if _is_text(child))


def _remove(parent, node) -> None:
    """odfpy's removeChild updates its element caches, which hold no text nodes (and assert on them)."""
    if not _is_text(node):
        parent.removeChild(node)
        return
    parent.childNodes.remove(node)
    if node.nextSibling is not None:
        node.nextSibling.previousSibling = node.previousSibling
    if node.previousSibling is not None:
        node.previousSibling.nextSibling = node.nextSibling
    node.nextSibling = node.previousSibling = node.parentNode = None


class OdtDocument(Document):
    fmt = "odt"

    def __init__(self, path, blocks, odf, pieces):
        super().__init__(path, blocks)
        self.odf = odf
        self.pieces: dict[str, tuple[object, list]] = pieces  # block id -> (paragraph, nodes)

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "OdtDocument":
        from odf import text as odftext
        from odf.opendocument import load

        try:
            odf = load(str(path))
        except Exception as exc:  # odfpy raises zip/XML errors of every kind for damaged files
            raise DocumentError(f"{path.name}: not a readable OpenDocument text ({type(exc).__name__}); "
                                "save it again as .odt") from None
        if "opendocument.text" not in (odf.mimetype or ""):
            raise DocumentError(f"{path.name}: an OpenDocument file but not a text document ({odf.mimetype})")
        blocks: list[Block] = []
        pieces: dict[str, tuple[object, list]] = {}
        for kind in (odftext.H, odftext.P):
            for paragraph in odf.getElementsByType(kind):
                current: list = []
                for child in list(paragraph.childNodes):
                    if _is_text(child) or _simple_span(child):
                        current.append(child)
                        continue
                    cls._add(blocks, pieces, paragraph, current)
                    current = []
                cls._add(blocks, pieces, paragraph, current)
        return cls(path, blocks, odf, pieces)

    @staticmethod
    def _add(blocks: list[Block], pieces: dict, paragraph, nodes: list) -> None:
        runs = []
        for node in nodes:
            text = _node_text(node)
            if text:
                style = None if _is_text(node) else ("span", node.getAttrNS(TEXT_NS, "style-name"))
                runs.append(Run(text, style))
        if not "".join(r.text for r in runs).strip():
            return
        block_id = f"o{len(blocks)}"
        blocks.append(Block(block_id, runs))
        pieces[block_id] = (paragraph, nodes)

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        from odf import text as odftext
        from odf.element import Text

        for block_id, runs in translated.items():
            if block_id not in self.pieces:
                continue
            paragraph, nodes = self.pieces[block_id]
            anchor = nodes[-1].nextSibling if nodes else None
            for node in nodes:
                _remove(paragraph, node)
            new_nodes = []
            for run in runs:
                if not run.text:
                    continue
                if run.style and run.style[0] == "span" and run.style[1]:
                    node = odftext.Span(stylename=run.style[1])
                    node.addText(run.text)
                else:
                    node = Text(run.text)
                if anchor is not None:
                    paragraph.insertBefore(node, anchor)
                else:
                    paragraph.appendChild(node)
                new_nodes.append(node)
            self.pieces[block_id] = (paragraph, new_nodes)
        self.odf.save(str(out))

    def style_label(self, style) -> str | None:
        return None  # span styles are named automatic styles: kept, not labelled
