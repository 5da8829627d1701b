"""Blocks (a paragraph, cell or heading with its formatting runs) and segments (sentences).

Every format reader produces `Block`s made of `Run`s (text + an opaque style key owned by the format:
DOCX run properties, HTML inline tags, Markdown emphasis). The pipeline splits a block into sentence
`Segment`s, keeping the formatted stretches as character `Span`s, and `assemble_block` puts the
translated sentences back together as runs the format writer turns into markup again.

Sentence splitting is rule based (abbreviations per language, initials, numbering, legal references
such as "art. L. 160-1"), so it runs offline with no model download.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    text: str
    style: Hashable = None  # None: the block's base formatting
    protected: bool = False  # must come out verbatim (inline code, URLs)


@dataclass
class Block:
    id: str
    runs: list[Run]
    kind: str = "p"  # p, heading, cell, item, title ...

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    style: Hashable
    protected: bool = False


@dataclass
class Segment:
    id: str
    block_id: str
    source: str
    spans: list[Span] = field(default_factory=list)
    source_lang: str | None = None
    detected_lang: str | None = None
    detected_confidence: float | None = None
    target: str | None = None
    target_spans: list[Span] = field(default_factory=list)
    origin: str = "pending"  # memory-exact, memory-fuzzy, engine:<name>, copy, override, not-translated
    score: float | None = None  # memory match score (0-100)
    memory_origin: str | None = None  # confirmed | imported | machine, for memory matches
    draft: bool = False
    flags: list = field(default_factory=list)
    glossary_terms: list | None = None  # TermMatch found in the source (None: not looked up yet)
    suggestions: list = field(default_factory=list)  # memory matches below the reuse threshold

    @property
    def protected_texts(self) -> list[str]:
        return [self.source[s.start:s.end] for s in self.spans if s.protected]


@dataclass
class BlockLayout:
    """How a block's text splits into segments: the text between them is kept as is."""

    block: Block
    segments: list[Segment]
    gaps: list[tuple[str, Hashable]]  # len(segments) + 1 stretches of whitespace, with their style


def normalize_text(text: str) -> str:
    """Key used for memory look-ups: NFC, single spaces, no outer spaces, typographic quotes unified."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


# --- sentence splitting ---------------------------------------------------------------------------

_COMMON_ABBREV = {
    "art", "arts", "al", "cf", "etc", "ex", "fig", "no", "nos", "n", "p", "pp", "vol", "ch", "chap", "sect",
    "sec", "para", "paras", "op", "cit", "ibid", "dr", "prof", "st", "vs", "ref", "réf", "tel", "tél", "fax",
    "approx", "min", "max", "reg", "dir", "ann", "annex", "doc", "e.g", "i.e", "c", "jo", "oj", "ca",
}
ABBREVIATIONS: dict[str, set[str]] = {
    "fr": {"m", "mm", "mme", "mmes", "mlle", "mlles", "me", "mes", "pr", "ste", "env", "éd", "av", "bd", "boul",
           "cass", "civ", "soc", "crim", "com", "r", "l", "d", "sq", "sqq", "hab", "obs", "coll", "trad", "dép",
           "janv", "févr", "fév", "avr", "juil", "sept", "oct", "nov", "déc", "s", "suiv", "cod", "ord", "adm"},
    "en": {"mr", "mrs", "ms", "messrs", "jr", "sr", "inc", "ltd", "co", "corp", "dept", "est", "jan", "feb",
           "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "govt", "nr"},
    "de": {"abs", "nr", "z.b", "bzw", "usw", "vgl", "s", "hr", "fr", "d.h", "u.a", "ggf", "evtl", "inkl", "ca"},
    "es": {"sr", "sra", "srta", "d", "dña", "núm", "pág", "ud", "uds", "av", "avda", "apdo"},
    "it": {"sig", "sigg", "dott", "ing", "avv", "pag", "n", "c.d", "ecc"},
    "pt": {"sr", "sra", "dr", "dra", "pág", "n.º", "av", "ex.mo"},
}
_BOUNDARY = re.compile(r"([.!?…]+|[.!?]\s?[»”\"'’)\]]+)([»”\"'’)\]]*)(\s+)")
_LONG_SEGMENT = 320


def _abbreviations(lang: str | None) -> set[str]:
    return _COMMON_ABBREV | ABBREVIATIONS.get(lang or "", set()) | (ABBREVIATIONS["fr"] if lang is None else set())


def _previous_token(text: str, end: int) -> str:
    match = re.search(r"([\w.\-]+)$", text[:end])  # after an elision: l'art. -> art
    return match.group(1) if match else ""


def split_sentences(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text` (outer whitespace excluded). Newlines are hard
    boundaries; very long sentences are cut at a semicolon/colon/comma so engines stay accurate."""
    abbrev = _abbreviations(lang)
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        line_start = line.start()
        chunk = line.group(0)
        cut_points = [0]
        for m in _BOUNDARY.finditer(chunk):
            punct_end = m.end(2)
            after = m.end(3)
            if after >= len(chunk):
                continue
            nxt = chunk[after]
            if not (nxt.isupper() or nxt.isdigit() or nxt in "«\"“‘'([¿¡-–•"):
                continue
            if m.group(1).startswith("."):
                token = _previous_token(chunk, m.start(1))
                bare = token.lower().strip(".")
                if bare in abbrev or token.lower() in abbrev:
                    continue
                if len(bare) == 1 and bare.isalpha():  # initials: "J. Dupont", "art. L. 160-1"
                    continue
                if re.fullmatch(r"[ivxlcdm]+", bare) and nxt.isdigit():
                    continue
                if bare.isdigit() and nxt.isdigit():  # "1. 2." numbering read as one unit
                    continue
            cut_points.append(punct_end)
        cut_points.append(len(chunk))
        for a, b in zip(cut_points, cut_points[1:]):
            piece = chunk[a:b]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece.rstrip())
            if trail > lead:
                for s, e in _cut_long(chunk, a + lead, a + trail):
                    spans.append((line_start + s, line_start + e))
    return spans


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= _LONG_SEGMENT:
        return [(start, end)]
    window = text[start:end]
    middle = len(window) // 2
    best = None
    for pattern in (r";\s", r":\s", r",\s"):
        for m in re.finditer(pattern, window):
            if 60 <= m.end() <= len(window) - 60:
                if best is None or abs(m.end() - middle) < abs(best - middle):
                    best = m.end()
        if best is not None:
            break
    if best is None:
        return [(start, end)]
    left_end = start + len(window[:best].rstrip())
    right_start = start + best
    return _cut_long(text, start, left_end) + _cut_long(text, right_start, end)


# --- blocks <-> segments ---------------------------------------------------------------------------

def block_spans(block: Block) -> tuple[str, list[Span]]:
    text, spans, pos = "", [], 0
    for run in block.runs:
        if run.text and (run.style is not None or run.protected):
            spans.append(Span(pos, pos + len(run.text), run.style, run.protected))
        text += run.text
        pos += len(run.text)
    return text, _merge_adjacent(spans)


def _merge_adjacent(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if merged and merged[-1].end == span.start and merged[-1].style == span.style \
                and merged[-1].protected == span.protected:
            merged[-1] = Span(merged[-1].start, span.end, span.style, span.protected)
        else:
            merged.append(span)
    return merged


def _style_at(spans: list[Span], start: int, end: int) -> Hashable:
    """Style of a stretch of text (a gap): the span covering it, if any."""
    if start == end:
        return None
    for span in spans:
        if span.start <= start and end <= span.end and not span.protected:
            return span.style
    return None


def segment_id(block_id: str, index: int) -> str:
    return f"{block_id}.{index}"


def layout_block(block: Block, lang: str | None = None) -> BlockLayout:
    text, spans = block_spans(block)
    bounds = split_sentences(text, lang)
    segments: list[Segment] = []
    gaps: list[tuple[str, Hashable]] = []
    cursor = 0
    for i, (s, e) in enumerate(bounds):
        gaps.append((text[cursor:s], _style_at(spans, cursor, s)))
        seg_spans = [Span(max(sp.start, s) - s, min(sp.end, e) - s, sp.style, sp.protected)
                     for sp in spans if sp.start < e and sp.end > s]
        segments.append(Segment(id=segment_id(block.id, i), block_id=block.id, source=text[s:e], spans=seg_spans))
        cursor = e
    gaps.append((text[cursor:], _style_at(spans, cursor, len(text))))
    return BlockLayout(block, segments, gaps)


def runs_from_spans(text: str, spans: list[Span]) -> list[Run]:
    runs: list[Run] = []
    pos = 0
    for span in sorted(spans, key=lambda sp: sp.start):
        if span.start < pos or span.end <= span.start:
            continue
        if span.start > pos:
            runs.append(Run(text[pos:span.start]))
        runs.append(Run(text[span.start:span.end], span.style, span.protected))
        pos = span.end
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return [r for r in runs if r.text]


def assemble_block(layout: BlockLayout) -> list[Run]:
    """The translated block as runs: gaps kept, each segment's target with its projected spans
    (a segment with no target keeps its source)."""
    runs: list[Run] = []
    for i, segment in enumerate(layout.segments):
        gap, style = layout.gaps[i]
        if gap:
            runs.append(Run(gap, style))
        if segment.target is None:
            runs.extend(runs_from_spans(segment.source, segment.spans))
        else:
            runs.extend(runs_from_spans(segment.target, segment.target_spans))
    gap, style = layout.gaps[-1]
    if gap:
        runs.append(Run(gap, style))
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].style == run.style and merged[-1].protected == run.protected:
            merged[-1] = Run(merged[-1].text + run.text, run.style, run.protected)
        else:
            merged.append(run)
    return merged


def content_hash(*parts: str, length: int = 40) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]
