"""Plain text: paragraphs separated by blank lines (hard-wrapped lines re-joined), legal headings
("Article 5", "TITRE II", "Chapitre Ier", "Annexe") and short upper-case lines detected as
headings. One unit per file (ref = file name); articles become segments (see structure.py)."""
from __future__ import annotations

import re

from ingest.classify import infer
from ingest.parsers.base import FileContext, find_text_date, units_to_chunks
from ingest.parsers.structure import Block, StructureOptions, build_units, canonical_article
from ingest.types import Chunk, ParseError

_BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,3}[.)°]|[a-z][).]|\(?[ivx]{1,4}\)|[IVX]{1,4}\.)\s")


def _is_caps_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (4 <= len(line) <= 90 and len(letters) >= 4 and all(not c.islower() for c in letters)
            and not line.rstrip().endswith((".", ";", ",")))


def text_blocks(text: str) -> list[Block]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    raw_paragraphs = re.split(r"\n[ \t]*\n", text)
    if len(raw_paragraphs) == 1 and text.count("\n") > 20:
        raw_paragraphs = text.split("\n")  # one line per paragraph
    blocks: list[Block] = []
    for raw in raw_paragraphs:
        lines = [line.strip() for line in raw.split("\n") if line.strip()]
        if not lines:
            continue
        # A heading line glued to its paragraph ("Article 3\nLe présent ...") is split off.
        while len(lines) > 1 and (len(lines[0]) <= 90 and _is_heading_line(lines[0])):
            head = lines.pop(0)
            blocks.append(Block(head, level=2 if _is_caps_heading(head) else 0))
        if len(lines) == 1 and _is_caps_heading(lines[0]) and not _BULLET.match(lines[0]):
            blocks.append(Block(lines[0], level=2))
            continue
        if any(_BULLET.match(line) for line in lines[1:]):
            joined = "\n".join(lines)
        else:
            joined = " ".join(lines)
        blocks.append(Block(joined))
    return blocks


def _is_heading_line(line: str) -> bool:
    from ingest.parsers.structure import article_match, is_annex_heading, struct_match

    return bool(article_match(line) or struct_match(line) or is_annex_heading(line, explicit=False))


def parse_text(ctx: FileContext, text: str | None = None) -> list[Chunk]:
    text = ctx.text() if text is None else text
    blocks = text_blocks(text)
    if not blocks:
        raise ParseError("text file has no text")
    units = build_units(blocks, StructureOptions(file_name=ctx.name, mode="single"))
    sample = "\n".join(b.text for b in blocks[:60])
    inferred = infer(ctx.rel_path, sample)
    version_date = find_text_date(blocks[0].text[:300])
    for unit in units:
        unit.meta.setdefault("version_date", version_date)
        alias = canonical_article(unit.ref)
        if alias != unit.ref:
            unit.meta["ref_alias"] = alias
    return units_to_chunks(ctx, units, inferred)
