"""PowerPoint (.pptx) through python-pptx: text of every shape (also in groups and tables) and of the
speaker notes. Each stretch of runs between two non-text elements (line break, field such as the
slide number) is one block; run properties (bold, italic, colour, size, hyperlink) are carried as
spans; everything else in the package is written back untouched by python-pptx."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from translation.errors import DocumentError
from translation.formats.base import Document
from translation.languages import DOCUMENT_LOCALES
from translation.segments import Block, Run

A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
A = "{%s}" % A_NS


@dataclass
class _Piece:
    paragraph: object  # a:p
    runs: list  # the a:r elements of the block, in order


def _text_frames(shapes):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _text_frames(shape.shapes)
            continue
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield shape.text_frame
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    yield cell.text_frame


def _style_key(run) -> bytes:
    from lxml import etree

    rpr = run.find(A + "rPr")
    if rpr is None:
        return b""
    clean = copy.deepcopy(rpr)
    for attribute in ("lang", "altLang", "dirty", "err", "smtClean"):
        clean.attrib.pop(attribute, None)
    return etree.tostring(clean)


class PptxDocument(Document):
    fmt = "pptx"

    def __init__(self, path, blocks, presentation, pieces):
        super().__init__(path, blocks, pages=len(presentation.slides))
        self.presentation = presentation
        self.pieces: dict[str, _Piece] = pieces

    @classmethod
    def read(cls, path: Path, *, max_pages: int | None = None) -> "PptxDocument":
        from pptx import Presentation
        from pptx.exc import PackageNotFoundError

        try:
            presentation = Presentation(str(path))
        except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
            raise DocumentError(f"{path.name}: not a readable PowerPoint .pptx file ({exc}); save it again as "
                                ".pptx") from None
        if max_pages is not None and len(presentation.slides) > max_pages:
            raise DocumentError(f"{path.name}: {len(presentation.slides)} slides, above the limit of {max_pages}")
        blocks: list[Block] = []
        pieces: dict[str, _Piece] = {}
        for slide in presentation.slides:
            frames = list(_text_frames(slide.shapes))
            if slide.has_notes_slide:
                frames.append(slide.notes_slide.notes_text_frame)
            for frame in frames:
                for paragraph in frame.paragraphs:
                    current: list = []
                    for child in list(paragraph._p):
                        if child.tag == A + "r":
                            current.append(child)
                            continue
                        if child.tag in (A + "pPr", A + "endParaRPr"):
                            continue
                        cls._add(blocks, pieces, paragraph._p, current)  # a:br, a:fld: kept in place
                        current = []
                    cls._add(blocks, pieces, paragraph._p, current)
        return cls(path, blocks, presentation, pieces)

    @staticmethod
    def _add(blocks: list[Block], pieces: dict, paragraph, runs: list) -> None:
        texts = [(run, "".join(t.text or "" for t in run.iter(A + "t"))) for run in runs]
        if not any(text.strip() for _, text in texts):
            return
        block_id = f"p{len(blocks)}"
        keys = [_style_key(run) for run, _ in texts]
        base = max(set(keys), key=keys.count)
        blocks.append(Block(block_id, [Run(text, None if key == base else key) for (_, text), key in zip(texts, keys)
                                       if text]))
        pieces[block_id] = _Piece(paragraph, [run for run, _ in texts])

    def write(self, translated: dict[str, list[Run]], out: Path, target_lang: str) -> None:
        locale = DOCUMENT_LOCALES.get(target_lang, target_lang)
        for block_id, runs in translated.items():
            piece = self.pieces.get(block_id)
            if piece is None or not piece.runs:
                continue
            keys = [_style_key(run) for run in piece.runs]
            base = max(set(keys), key=keys.count)
            templates = {}
            for run, key in zip(piece.runs, keys):
                templates.setdefault(key, run)
            anchor = piece.runs[0]
            parent = anchor.getparent()
            position = parent.index(anchor)
            for run in piece.runs:
                parent.remove(run)
            new_runs = []
            for item in runs:
                if not item.text:
                    continue
                template = templates.get(item.style if item.style is not None else base, templates[base])
                run = copy.deepcopy(template)
                texts = list(run.iter(A + "t"))
                texts[0].text = item.text
                for extra in texts[1:]:
                    extra.getparent().remove(extra)
                rpr = run.find(A + "rPr")
                if rpr is not None:
                    rpr.set("lang", locale)
                parent.insert(position + len(new_runs), run)
                new_runs.append(run)
            piece.runs = new_runs
        self.presentation.save(str(out))

    @staticmethod
    def style_label(style) -> str | None:
        if not style:
            return None
        text = style.decode("utf-8", "replace") if isinstance(style, bytes) else str(style)
        if "hlinkClick" in text:
            return "link"
        if ' b="1"' in text:
            return "b"
        if ' i="1"' in text:
            return "i"
        if ' u="' in text and ' u="none"' not in text:
            return "u"
        return None
