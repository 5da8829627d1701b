"""Legal-structure chunking: parsed units (article, fiche, entry, page, file) -> Chunk objects.

Rules
- A chunk never holds text of two units, nor of two segments of a unit (fiche sections, articles
  inside a one-file accord, page sections). Segments are the smallest structural pieces a parser
  knows; each starts at least one chunk.
- Every chunk text starts with a header: the hierarchy line ("Code ... > Titre VI > Chapitre 1er"),
  the unit title ("Article L761-2") and the segment heading when there is one. A chunk read alone
  still says where it comes from.
- A long segment is packed paragraph by paragraph up to ~`chunk_chars` characters; a paragraph that
  is itself too long is split by sentences, and a sentence that is too long by words. Consecutive
  chunks of a segment overlap by up to `chunk_overlap_chars` characters taken from the end of the
  previous chunk (whole sentences when possible).
- `unit_hash` is the hash of the whole unit text (title + all segments), so a re-ingest can tell
  whether a unit changed; `chunk_index`/`chunk_count` number the chunks of a unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ingest.classify import country_flags
from ingest.types import METADATA_KEYS, OPEN_ENDED, Chunk, content_hash

HIERARCHY_SEP = " > "
# Floor for the body budget when headers are long: a chunk always carries real text.
_MIN_BODY = 200
_SENTENCE_END = re.compile(r"(?<=[.!?;:])[\"»”)]?\s+(?=[«\"“(]?[A-ZÀ-ÖØ-Ý0-9•\-–])")
_SPACE_RUN = re.compile(r"[ \t\u00a0\u2009\u202f]+")


@dataclass
class Segment:
    """A structural piece of a unit: a fiche section, an article of a one-file accord, a page section.
    `path` = headings between the unit and this segment (e.g. ["TITRE II", "Chapitre Ier"]),
    `heading` = the segment's own heading line ("" for the text before the first heading)."""

    paragraphs: list[str]
    heading: str = ""
    path: list[str] = field(default_factory=list)
    locator: str = ""  # finer reference inside the unit, e.g. "Article 10" of the NC accord

    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Unit:
    """One retrievable legal unit: what `ref` names (article, fiche, entry, file)."""

    ref: str
    title: str
    segments: list[Segment]
    hierarchy: list[str] = field(default_factory=list)
    # Values read from the data (dates, status, url, cites, language...): they win over inference.
    meta: dict[str, Any] = field(default_factory=dict)
    cites: list[str] = field(default_factory=list)

    def text(self) -> str:
        parts = [self.title]
        for seg in self.segments:
            if seg.heading:
                parts.append(seg.heading)
            parts.append(seg.text())
        return "\n\n".join(p for p in parts if p)

    def is_empty(self) -> bool:
        return not any(p.strip() for seg in self.segments for p in seg.paragraphs)


def clean_text(text: str) -> str:
    """Collapse runs of spaces (incl. no-break spaces) inside lines; keep line breaks; strip."""
    text = _SPACE_RUN.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def split_sentences(paragraph: str) -> list[str]:
    parts = [p.strip() for p in _SENTENCE_END.split(paragraph)]
    return [p for p in parts if p]


def _split_words(text: str, budget: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for word in text.split(" "):
        while len(word) > budget:  # an unbroken token longer than the budget (URLs, junk)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:budget])
            word = word[budget:]
        if current and len(current) + 1 + len(word) > budget:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    return pieces


def _atoms(paragraph: str, budget: int) -> list[tuple[str, str]]:
    """Pieces of a paragraph no longer than `budget`, each with the separator that joins it to the
    previous piece of the same paragraph: the paragraph itself, else its lines (lists, tables), else
    sentences, else words."""
    if len(paragraph) <= budget:
        return [(paragraph, "")]
    out: list[tuple[str, str]] = []
    lines = [line for line in paragraph.split("\n") if line.strip()]
    if len(lines) > 3 and all(line.lstrip().startswith("|") for line in lines):
        return [(table, "\n\n") for table in _split_table(lines, budget)]
    if len(lines) > 1:
        for line in lines:
            for i, (piece, sep) in enumerate(_atoms(line, budget)):
                out.append((piece, sep if i else "\n"))
        return out
    for sentence in split_sentences(paragraph):
        pieces = [sentence] if len(sentence) <= budget else _split_words(sentence, budget)
        out.extend((piece, " ") for piece in pieces)
    return out


def _split_table(lines: list[str], budget: int) -> list[str]:
    """A Markdown table cut into smaller tables, each repeating the header row (and separator)."""
    header = lines[:2] if re.match(r"^\s*\|[\s:|-]+\|\s*$", lines[1]) else lines[:1]
    head_text = "\n".join(header)
    tables: list[str] = []
    rows: list[str] = []
    size = len(head_text)
    for row in lines[len(header):]:
        if rows and size + 1 + len(row) > budget:
            tables.append("\n".join([head_text, *rows]))
            rows, size = [], len(head_text)
        rows.append(row[: max(budget - len(head_text) - 1, 80)])
        size += 1 + len(rows[-1])
    if rows:
        tables.append("\n".join([head_text, *rows]))
    return tables


def _tail(text: str, overlap: int) -> str:
    """The last sentences of `text` that fit in `overlap` characters (else its last words); none after
    a table (each table piece repeats its header instead)."""
    if overlap <= 0 or not text or text.rsplit("\n\n", 1)[-1].lstrip().startswith("|"):
        return ""
    sentences = split_sentences(text.replace("\n\n", " "))
    tail = ""
    for sentence in reversed(sentences):
        candidate = f"{sentence} {tail}".strip()
        if len(candidate) > overlap:
            break
        tail = candidate
    if tail:
        return tail
    words = text.split()
    out: list[str] = []
    size = 0
    for word in reversed(words):
        if size + len(word) + 1 > overlap:
            break
        out.insert(0, word)
        size += len(word) + 1
    return ("… " + " ".join(out)) if out else ""


def pack_paragraphs(paragraphs: list[str], budget: int, overlap: int) -> list[str]:
    """Greedy packing of paragraphs into bodies of at most ~`budget` characters with overlap."""
    bodies: list[str] = []
    current: list[tuple[str, str]] = []
    size = 0
    atoms: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        for i, (piece, sep) in enumerate(_atoms(paragraph, budget)):
            atoms.append((piece, sep if i else "\n\n"))
    overlap = min(overlap, budget // 3)
    for piece, sep in atoms:
        if current and size + len(sep) + len(piece) > budget:
            body = _join(current)
            bodies.append(body)
            tail = _tail(body, overlap)
            current = [(tail, "")] if tail else []
            size = len(tail)
        current.append((piece, sep if current else ""))
        size += (len(sep) if len(current) > 1 else 0) + len(piece)
    if current:
        bodies.append(_join(current))
    return bodies


def _join(items: list[tuple[str, str]]) -> str:
    out = ""
    for text, sep in items:
        out = text if not out else out + (sep or "\n\n") + text
    return out


def one_line(text: str) -> str:
    return _SPACE_RUN.sub(" ", text.replace("\n", " ")).strip()


def _hierarchy(unit: Unit, segment: Segment) -> str:
    return HIERARCHY_SEP.join(one_line(h) for h in [*unit.hierarchy, *segment.path] if h and h.strip())


def _header(unit: Unit, segment: Segment) -> str:
    lines = [line for line in (_hierarchy(unit, segment), one_line(unit.title), one_line(segment.heading)) if line]
    # Avoid repeating the title when the hierarchy already ends with it.
    deduped: list[str] = []
    for line in lines:
        if not deduped or deduped[-1] != line:
            deduped.append(line)
    return "\n".join(deduped)


def build_chunks(unit: Unit, base: dict[str, Any], chunk_chars: int, overlap_chars: int) -> list[Chunk]:
    """Chunks of one unit with the full metadata. `base` holds the file-level metadata already merged
    (source, path, instrument_type, countries, language, licence, url, audience, dates...)."""
    unit_text = unit.text()
    unit_hash = content_hash(unit.ref, unit.title, unit_text)[:32]
    pieces: list[tuple[Segment, str]] = []
    for segment in unit.segments:
        paragraphs = [p for p in (clean_text(p) for p in segment.paragraphs) if p]
        if not paragraphs:
            continue
        header = _header(unit, segment)
        budget = max(chunk_chars - len(header) - 1, (chunk_chars * 2) // 3, _MIN_BODY)
        for body in pack_paragraphs(paragraphs, budget, overlap_chars):
            pieces.append((segment, f"{header}\n{body}" if header else body))
    chunks: list[Chunk] = []
    count = len(pieces)
    for index, (segment, text) in enumerate(pieces):
        meta = dict(base)
        meta.update({
            "ref": unit.ref,
            "title": one_line(unit.title),
            "hierarchy": _hierarchy(unit, segment),
            "unit_hash": unit_hash,
            "chunk_index": index,
            "chunk_count": count,
        })
        if segment.locator:
            meta["locator"] = segment.locator
        chunks.append(Chunk(text=text, metadata=finalise_metadata(meta)))
    if chunks:
        chunks[0].unit_text = verbatim_text(unit)
    return chunks


def verbatim_text(unit: Unit) -> str:
    """The unit's text as the source gives it: each segment's heading and paragraphs in order, spaces
    tidied inside lines only (no overlap, no header lines, nothing rebuilt)."""
    parts: list[str] = []
    for segment in unit.segments:
        paragraphs = [p for p in (clean_text(p) for p in segment.paragraphs) if p]
        if not paragraphs:
            continue
        heading = one_line(segment.heading)
        if heading:
            parts.append(heading)
        parts.extend(paragraphs)
    return "\n\n".join(parts)


_INT_KEYS = ("version_date", "valid_from", "valid_to", "chunk_index", "chunk_count")


def finalise_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """All METADATA_KEYS present with str/int/bool values; unknown -> "" / 0 / OPEN_ENDED; one
    country_XX flag per country."""
    out: dict[str, Any] = {}
    for key in METADATA_KEYS:
        value = meta.get(key)
        if key in _INT_KEYS:
            default = OPEN_ENDED if key == "valid_to" else 0
            out[key] = int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value else default
        else:
            out[key] = "" if value is None else str(value)
    for key, value in meta.items():
        if key in out or key.startswith("country_"):
            continue
        if isinstance(value, bool) or isinstance(value, (int, str)):
            out[key] = value
        elif isinstance(value, float):
            out[key] = value
        elif value is not None:
            out[key] = str(value)
    out.update(country_flags(out["countries"]))
    return out
