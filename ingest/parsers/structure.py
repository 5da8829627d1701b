"""Legal structure of a flat stream of blocks (headings and paragraphs) -> units and segments.

Used by the Markdown, plain-text, HTML and unstructured (PDF/DOCX) parsers. A block is either an
explicit heading (Markdown '#', HTML <h2>, a DOCX 'Heading' / PDF 'Title' element) or a paragraph.

Only real structural headings start units or segments:
- an article heading is a whole block that reads "Article 12", "Article 1er", "Article premier",
  "ARTICLE 3 - Titre", "Artikel 5", "Art. L761-2"; a sentence such as "conformément à l'article 12"
  or "Article 12 du règlement ... s'applique." is never one (the pattern must cover the whole block
  and the text after the number must be a short title after a separator);
- structural headings: Partie/Livre/Titre/Chapitre/Section (and English/Dutch equivalents) with a
  number;
- annex headings: Annexe/Annex/Bijlage/Schedule/Appendix (+ "Liste des ..." lists in plain text).

Two modes:
- "articles": the text has at least two *explicit* article headings (a convention in Markdown with
  '### Article N'): one unit per article, ref = "Article N" as written (whitespace normalised);
  text between articles under other headings (preambles, annexes, protocols) forms units named by
  their heading.
- "single": one unit for the whole file, ref = file name (etalab decree articles, the New Caledonia
  accord, web pages, fact tables); articles, annexes and headings found inside become segments, so
  chunks never mix two articles, and the article heading goes into the chunk header and `locator`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.chunking import Segment, Unit

_NUM_SUFFIX = r"(?:\s?(?:er|ER|bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies|BIS|TER|[a-z]))?"
ARTICLE_RE = re.compile(
    r"^(?P<word>Article|ARTICLE|Artikel|ARTIKEL|Art\.|ART\.|Articolo|Artículo|Artigo)[\s\u00a0]+"
    r"(?P<num>premier|PREMIER|Premier|unique|UNIQUE|Unique|[LRDA]\.?\s?\d+(?:-\d+)*|"
    r"\d+" + _NUM_SUFFIX + r"(?:[-.]\d+)*" + _NUM_SUFFIX + r"|[IVXLC]+)"
    r"(?:[\s\u00a0]*(?:[.:\-–—][\s\u00a0]*(?P<title>[^\n]{1,150}?))?)?[\s\u00a0.]*$"
)
_STRUCT_WORDS = {
    "partie": 1, "part": 1, "deel": 1,
    "livre": 2, "book": 2,
    "titre": 3, "title": 3, "titel": 3,
    "chapitre": 4, "chapter": 4, "hoofdstuk": 4,
    "section": 5, "afdeling": 5,
    "sous-section": 6, "subsection": 6,
}
STRUCT_RE = re.compile(
    r"^(?P<kind>PARTIE|Partie|PART|Part|DEEL|Deel|LIVRE|Livre|BOOK|Book|TITRE|Titre|TITLE|Title|TITEL|Titel|"
    r"CHAPITRE|Chapitre|CHAPTER|Chapter|HOOFDSTUK|Hoofdstuk|SECTION|Section|AFDELING|Afdeling|"
    r"SOUS-SECTION|Sous-section|SUBSECTION|Subsection)[\s\u00a0]+"
    r"(?P<num>[IVXLC]+(?:\s?(?:er|ER|ier|IER))?|\d+(?:\s?(?:er|ER|re))?|premier|PREMIER|préliminaire|PRÉLIMINAIRE|"
    r"preliminaire|unique|UNIQUE|[A-Z])\b"
    r"(?:[\s\u00a0]*[.:\-–—][\s\u00a0]*(?P<title>[^\n]{1,200}))?[\s\u00a0.:]*$"
)
_DUTCH_ORDINAL_RE = re.compile(
    r"^(?:EERSTE|TWEEDE|DERDE|VIERDE|VIJFDE|ZESDE|ZEVENDE|ACHTSTE|NEGENDE|TIENDE|Eerste|Tweede|Derde|Vierde|"
    r"Vijfde|Zesde|Zevende|Achtste|Negende|Tiende)\s+(?P<kind>HOOFDSTUK|Hoofdstuk|TITEL|Titel|AFDELING|Afdeling|"
    r"DEEL|Deel)\s*$"
)
ANNEX_RE = re.compile(
    r"^(?:ANNEXES?|Annexes?|ANNEX|Annex|BIJLAGE|Bijlage|SCHEDULE|Schedule|APPENDIX|Appendix|APPENDICE|Appendice|"
    r"ADDENDUM|Addendum)\b[^\n]{0,150}$"
)
_LIST_HEADING_RE = re.compile(r"^(?:Liste|LISTE|Tableau|TABLEAU)\s+(?:des|de|du|d’|d')\s?[^.;:\n]{3,100}$")
_LABEL_HEADING_RE = re.compile(r"^(?:(?:No|Nr|N°)\.?\s*)?(?:[IVXLC]+|\d+|[A-Z])\.?$")
_INSTRUMENT_RE = re.compile(
    r"^(?:Convention|CONVENTION|Accord|ACCORD|Protocole|PROTOCOLE|Protocol|PROTOCOL|Agreement|AGREEMENT|"
    r"Verdrag|VERDRAG|Overeenkomst|OVEREENKOMST|Notawisseling|Echange de lettres|Exchange of|Algemeen|"
    r"Aanvullend|Supplementary|European|Europe|Europees|Europese)\b"
)


def normalise_space(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def article_match(text: str) -> re.Match | None:
    text = normalise_space(text)
    if len(text) > 200:
        return None
    return ARTICLE_RE.match(text)


def article_ref(match: re.Match) -> str:
    """'Article 1er', 'Article premier', 'Article 12', 'Artikel 3' (word capitalised as in running
    text, number as written)."""
    word = match.group("word")
    word = "Art." if word.upper() == "ART." else word[0] + word[1:].lower()
    num = re.sub(r"\s+", " ", match.group("num"))
    if num.isalpha() and num.upper() == num and len(num) > 3:  # PREMIER / UNIQUE
        num = num.lower()
    return f"{word} {num}"


def canonical_article(ref: str) -> str:
    """'Article 1er' / 'Article premier' -> 'Article 1' (alias for matching across spellings)."""
    m = re.match(r"^(\S+)\s+(premier|1er|1ER)$", ref, re.IGNORECASE)
    return f"{m.group(1)} 1" if m else ref


def struct_match(text: str) -> tuple[int, str, str] | None:
    """(rank, label, title) of a structural heading ("Titre VI : Assurés ..." -> (3, 'Titre VI', ...))."""
    text = normalise_space(text)
    if len(text) > 220:
        return None
    m = STRUCT_RE.match(text)
    if m:
        rank = _STRUCT_WORDS[m.group("kind").lower()]
        label = f"{m.group('kind')} {m.group('num')}".strip()
        return rank, label, (m.group("title") or "").strip()
    m = _DUTCH_ORDINAL_RE.match(text)
    if m:
        return _STRUCT_WORDS[m.group("kind").lower()], text, ""
    return None


def is_annex_heading(text: str, *, explicit: bool) -> bool:
    text = normalise_space(text)
    if ANNEX_RE.match(text) and (explicit or len(text) < 120 and not text.endswith((".", ";", ","))):
        return True
    return not explicit and bool(_LIST_HEADING_RE.match(text))


def looks_like_title(text: str) -> bool:
    """A short line that names the heading before it ("Champ d'application", "Principes généraux")."""
    text = normalise_space(text)
    if not text or len(text) > 160 or "\n" in text:
        return False
    if text.endswith((".", ";", ",", ":", "-", "–", "—")) and not text.endswith(("etc.",)):
        return False
    if re.match(r"^[\d(•\-–*]|^[a-z]\)", text):
        return False
    if article_match(text) or struct_match(text):
        return False
    return True


@dataclass
class Block:
    text: str
    level: int = 0  # 0 paragraph, 1..6 explicit heading level

    @property
    def is_heading(self) -> bool:
        return self.level > 0


@dataclass
class _Heading:
    kind: str  # article | struct | annex | other
    label: str
    title: str = ""
    rank: int = 0
    level: int = 0

    def line(self) -> str:
        return f"{self.label} – {self.title}" if self.title and self.title != self.label else self.label


def _classify(block: Block, *, implicit_headings: bool) -> _Heading | None:
    text = normalise_space(block.text)
    if not text:
        return None
    explicit = block.is_heading
    if not explicit and (not implicit_headings or "\n" in block.text.strip() or len(text) > 200):
        return None
    m = article_match(text)
    if m:
        return _Heading("article", article_ref(m), (m.group("title") or "").strip(), level=block.level)
    s = struct_match(text)
    if s:
        return _Heading("struct", s[1], s[2], rank=s[0], level=block.level)
    if is_annex_heading(text, explicit=explicit):
        return _Heading("annex", text, level=block.level)
    if explicit:
        return _Heading("other", text, level=block.level)
    return None


@dataclass
class StructureOptions:
    file_name: str
    base_hierarchy: list[str] = field(default_factory=list)
    mode: str = "auto"  # auto | single | articles
    implicit_headings: bool = True  # detect "Article 5" / "TITRE II" lines in plain paragraphs
    unit_title: str = ""  # single mode: title to use when the text has no leading heading


def build_units(blocks: list[Block], options: StructureOptions) -> list[Unit]:
    blocks = [b for b in blocks if b.text and b.text.strip()]
    headings = [_classify(b, implicit_headings=options.implicit_headings) for b in blocks]
    mode = options.mode
    if mode == "auto":
        explicit_articles = sum(1 for b, h in zip(blocks, headings) if h and h.kind == "article" and b.is_heading)
        mode = "articles" if explicit_articles >= 2 else "single"
    if mode == "articles":
        return _ArticlesBuilder(blocks, headings, options).run()
    return [_single_unit(blocks, headings, options)]


def _doc_title(blocks: list[Block], headings: list[_Heading | None]) -> int:
    """Index of the document title block (a leading explicit heading that is not structural), or -1."""
    for i, (block, heading) in enumerate(zip(blocks, headings)):
        if block.is_heading and heading and heading.kind == "other" and block.level <= 2:
            return i
        return -1
    return -1


def _absorb_title(blocks: list[Block], headings: list[_Heading | None], i: int, target: _Heading) -> bool:
    """Does block i give `target` its title? (next explicit 'other' heading or a short plain line)."""
    if target.title:
        return False
    block, heading = blocks[i], headings[i]
    if heading is not None and heading.kind != "other":
        return False
    if block.is_heading and target.level and block.level < target.level:
        return False
    if target.level and not block.is_heading:
        return False  # after an explicit heading only another heading is a title; text is text
    if not looks_like_title(block.text):
        return False
    # A short plain line is a title only if more text follows (not the last line of an article).
    return i + 1 < len(blocks)


def _single_unit(blocks: list[Block], headings: list[_Heading | None], options: StructureOptions) -> Unit:
    title_index = _doc_title(blocks, headings)
    title = options.unit_title
    hierarchy = list(options.base_hierarchy)
    start = 0
    if blocks and headings[0] and blocks[0].is_heading:
        title = headings[0].line() if headings[0].kind != "other" else normalise_space(blocks[0].text)
        start = 1
    elif title_index == 0:
        title = normalise_space(blocks[0].text)
        start = 1
    title = title or options.file_name
    sub_levels = [b.level for b, h in zip(blocks[start:], headings[start:]) if b.is_heading and h and h.kind == "other"]
    segment_level = min(sub_levels) if sub_levels else 0
    segments: list[Segment] = []
    path: dict[int, str] = {}
    current = Segment(paragraphs=[])
    pending: _Heading | None = None

    def flush() -> None:
        nonlocal current
        if current.paragraphs:
            segments.append(current)
        current = Segment(paragraphs=[], path=[path[r] for r in sorted(path)])

    i = start
    while i < len(blocks):
        block, heading = blocks[i], headings[i]
        if pending and _absorb_title(blocks, headings, i, pending):
            pending.title = normalise_space(block.text)
            _apply_pending(current, pending, path)
            pending = None
            i += 1
            continue
        pending = None
        if heading and heading.kind == "struct":
            flush()
            for rank in [r for r in path if r >= heading.rank]:
                del path[rank]
            path[heading.rank] = heading.line()
            current.path = [path[r] for r in sorted(path)]
            pending = heading
        elif heading and heading.kind in ("article", "annex"):
            flush()
            if heading.kind == "annex":
                path.clear()
                current.path = []
            current.heading = heading.line()
            current.locator = heading.label if heading.kind == "article" else ""
            pending = heading
        elif heading and heading.kind == "other" and block.level <= segment_level:
            flush()
            current.heading = heading.label
        else:
            current.paragraphs.append(block.text.strip())
        i += 1
    flush()
    return Unit(ref=options.file_name, title=title, segments=segments, hierarchy=hierarchy)


def _apply_pending(segment: Segment, heading: _Heading, path: dict[int, str]) -> None:
    """A title found after a heading: update the segment heading or the structural path."""
    if heading.kind == "struct":
        path[heading.rank] = heading.line()
        segment.path = [path[r] for r in sorted(path)]
    else:
        segment.heading = heading.line()


class _ArticlesBuilder:
    """Convention mode: one unit per article; other stretches are units named by their heading."""

    CAPTION_RANK = 7
    INSTRUMENT_RANK = 0

    def __init__(self, blocks: list[Block], headings: list[_Heading | None], options: StructureOptions):
        self.blocks, self.headings, self.options = blocks, headings, options
        self.units: list[Unit] = []
        self.stack: dict[int, str] = {}
        self.unit: Unit | None = None
        self.unit_kind = ""
        self.segment: Segment | None = None
        self.doc_title = ""
        self.last_label = options.file_name

    def hierarchy(self) -> list[str]:
        return [*self.options.base_hierarchy, *([self.doc_title] if self.doc_title else []),
                *[self.stack[r] for r in sorted(self.stack)]]

    def close(self) -> None:
        if self.unit is not None and not self.unit.is_empty():
            self.unit.segments = [s for s in self.unit.segments if s.paragraphs]
            self.units.append(self.unit)
        self.unit, self.segment, self.unit_kind = None, None, ""

    def open(self, ref: str, title: str, kind: str) -> None:
        self.close()
        self.segment = Segment(paragraphs=[])
        self.unit = Unit(ref=ref, title=title, segments=[self.segment], hierarchy=self.hierarchy())
        self.unit_kind = kind

    def new_segment(self, heading: str) -> None:
        if self.unit is None:
            self.open(self.last_label, self.last_label, "other")
        assert self.unit is not None
        self.segment = Segment(paragraphs=[], heading=heading)
        self.unit.segments.append(self.segment)

    def has_body(self) -> bool:
        return self.unit is not None and any(s.paragraphs for s in self.unit.segments)

    def run(self) -> list[Unit]:
        blocks, headings = self.blocks, self.headings
        start = 0
        title_index = _doc_title(blocks, headings)
        if title_index == 0:
            self.doc_title = normalise_space(blocks[0].text)
            start = 1
        pending: _Heading | None = None
        self.last_label = self.doc_title or self.options.file_name
        for i in range(start, len(blocks)):
            block, heading = blocks[i], headings[i]
            if pending and _absorb_title(blocks, headings, i, pending):
                pending.title = normalise_space(block.text)
                if pending.kind == "struct":
                    self.stack[pending.rank] = pending.line()
                elif self.unit is not None:
                    self.unit.title = pending.line()
                    self.unit.hierarchy = self.hierarchy()
                pending = None
                continue
            pending = None
            if heading is None:
                if self.unit is None:
                    self.open(self.last_label, self.last_label, "other")
                assert self.segment is not None
                self.segment.paragraphs.append(block.text.strip())
                continue
            if heading.kind == "article":
                self.open(heading.label, heading.line(), "article")
                if heading.title:
                    self.unit.title = heading.line()
                pending = heading
                self.last_label = heading.label
            elif heading.kind == "struct":
                self.close()
                for rank in [r for r in self.stack if r >= heading.rank]:
                    del self.stack[rank]
                self.stack[heading.rank] = heading.line()
                pending = heading
                self.last_label = heading.line()
            elif heading.kind == "annex":
                for rank in [r for r in self.stack if r > self.INSTRUMENT_RANK]:
                    del self.stack[rank]
                self.open(heading.label, heading.label, "annex")
                pending = heading
                self.last_label = heading.label
            else:  # other explicit heading
                text = heading.label
                if _LABEL_HEADING_RE.match(text) or (self.unit_kind == "article" and not self.has_body()) or (
                        self.unit_kind in ("annex", "other") and self.has_body() and not _INSTRUMENT_RE.match(text)):
                    self.new_segment(text)
                elif _INSTRUMENT_RE.match(text) or len(text) > 70:
                    self.close()
                    self.stack = {self.INSTRUMENT_RANK: text}
                    self.last_label = text
                else:
                    self.close()
                    self.stack[self.CAPTION_RANK] = text
                    self.last_label = text
        self.close()
        return self.units
