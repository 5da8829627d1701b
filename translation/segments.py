"""Blocks (a paragraph, cell or heading with its formatting runs) and segments (sentences).

Every format reader produces `Block`s made of `Run`s (text + an opaque style key owned by the format:
DOCX run properties, HTML inline tags, Markdown emphasis). The pipeline splits a block into sentence
`Segment`s, keeping the formatted stretches as character `Span`s, and `assemble_block` puts the
translated sentences back together as runs the format writer turns into markup again.

Sentence splitting follows SRX rules (the CAT tools' standard): Liaison's exceptions per language
(`srx/liaison.srx`: abbreviations, ordinals before months, legal references such as "art. L. 160-1",
"gem. Art. 16", "Ziff. 3") cascaded before LanguageTool's rules, run by choppa-srx; offline.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


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
    # memory-exact (validated), memory-fuzzy, memory-mt (earlier unconfirmed machine output, never a TM
    # match), engine:<name>, copy, override, not-translated
    origin: str = "pending"
    score: float | None = None  # memory match score (0-100)
    memory_origin: str | None = None  # confirmed | imported | machine, for memory matches
    memory_source: str | None = None  # the stored sentence a fuzzy/placeable match was made from
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

_SRX_FILE = Path(__file__).with_name("srx") / "liaison.srx"
_LONG_SEGMENT = 320


@lru_cache(maxsize=1)
def _srx_document():
    """Liaison's SRX exceptions (`srx/liaison.srx`) cascaded before LanguageTool's `segment.srx`
    (shipped by choppa-srx): our no-break rules come first so they apply to every LanguageTool break
    rule. Loaded once (~0.3 s), lazily: the CLI starts fast."""
    from xml.sax import parse as sax_parse

    from choppa import DEFAULT_SRX_RULESET, SrxDocument
    from choppa.srx_parser import SRXHandler

    document = SrxDocument(ruleset=_SRX_FILE)
    sax_parse(str(DEFAULT_SRX_RULESET), SRXHandler(document=document))
    return document


@lru_cache(maxsize=1)
def _languagetool_languages() -> frozenset[str]:
    from choppa import DEFAULT_SRX_RULESET

    text = Path(DEFAULT_SRX_RULESET).read_text(encoding="utf-8")
    return frozenset(m.lower() for m in re.findall(r'languagepattern="\(([A-Z]{2,3})\|', text))


def srx_languages() -> set[str]:
    """Languages with Liaison's own abbreviation and ordinal lists (and LanguageTool's rules)."""
    ours = set(re.findall(r'languagerulename="Liaison-([a-z]{2,3})"', _SRX_FILE.read_text(encoding="utf-8")))
    return ours & set(_languagetool_languages())


def _srx_code(lang: str | None) -> str:
    base = (lang or "").split("-")[0].lower()
    if base and base in _languagetool_languages():
        return f"{base}_one"
    return "fr-multi"  # unknown language: French break rules with every list of ours


def split_sentences(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text` (outer whitespace excluded), by SRX rules per
    language. Newlines are hard boundaries; very long sentences are cut at a semicolon/colon/comma so
    engines stay accurate."""
    from choppa import SrxTextIterator

    document = _srx_document()
    code = _srx_code(lang)
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        line_start = line.start()
        chunk = line.group(0)
        pos = 0
        for piece in SrxTextIterator(document, code, chunk):
            found = chunk.find(piece, pos)
            a = pos if found < 0 else found
            pos = a + len(piece)
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
        if segment.origin == "merged":  # its text is in the previous segment's translation
            continue
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
