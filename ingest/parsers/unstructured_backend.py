"""PDF (strategy "fast": the PDF's own text layer, no OCR, no layout model) and DOCX through
`unstructured`, grouped into sections by Title elements, then structured like every other text
(articles, annexes; see structure.py).

Offline: unstructured 0.27 classifies each text element with spaCy and downloads `en_core_web_sm`
from GitHub on first use (unstructured.nlp.tokenize._install_spacy_model), which fails (or worse,
installs unverified code) without network. `make_unstructured_offline()` replaces its three NLP
helpers (word_tokenize, sent_tokenize, pos_tag) with small regex-based equivalents and makes the
model loader/installer raise, so no code path can reach the network; telemetry is switched off with
DO_NOT_TRACK. tests/ingest/parsers/test_unstructured_offline.py proves it inside `unshare -n`.
The heuristics only decide Title vs NarrativeText for unstyled text; our own structure detection
(article/annex headings, title post-filter below) decides units and segments.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from ingest.classify import infer
from ingest.parsers.base import FileContext, check_zip, units_to_chunks
from ingest.parsers.structure import Block, StructureOptions, build_units, canonical_article
from ingest.types import Chunk, ParseError

_LOCK = threading.Lock()
_PATCHED = False
_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])[\"'»”)]*\s+(?=[\"'«“(]*[A-ZÀ-Ý0-9])")
_ENGLISH_VERBS = frozenset(
    "is are was were be been being am have has had do does did can could will would shall should may might must "
    "apply applies applied pay pays paid get gets got make makes made take takes took give gives gave go goes went "
    "need needs include includes contact contacts use uses work works live lives provide provides require requires "
    "receive receives claim claims".split()
)
_VERB_SUFFIX = re.compile(r"^[a-z]{3,}(?:ed|ing|ize|ise|izes|ises)$")


def _word_tokenize(text: str) -> list[str]:
    return _WORD.findall(str(text))


def _sent_tokenize(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE.split(str(text))) if s]


def _pos_tag(text: str) -> list[tuple[str, str]]:
    """Crude tags: 'VB' for common English verbs and -ed/-ing forms, else 'NN' (only the presence of
    a verb is ever asked by unstructured)."""
    out = []
    for token in _word_tokenize(text):
        low = token.lower()
        out.append((token, "VB" if low in _ENGLISH_VERBS or _VERB_SUFFIX.match(low) else "NN"))
    return out


def _refuse_model(*_args, **_kwargs):
    raise RuntimeError("Liaison runs unstructured offline: spaCy model loading/downloading is disabled")


def make_unstructured_offline() -> None:
    """Idempotent: offline environment + NLP helpers that need no model. Call before partitioning."""
    global _PATCHED
    with _LOCK:
        if _PATCHED:
            return
        from liaison._offline import apply_offline_defaults

        apply_offline_defaults()
        for key in ("DO_NOT_TRACK", "SCARF_NO_ANALYTICS"):
            if not os.environ.get(key, "").strip():
                os.environ[key] = "1"
        import unstructured.nlp.tokenize as tokenize
        import unstructured.partition.text_type as text_type

        for module in (tokenize, text_type):
            module.word_tokenize = _word_tokenize
            module.sent_tokenize = _sent_tokenize
            module.pos_tag = _pos_tag
        tokenize._get_nlp = _refuse_model
        tokenize._load_spacy_model = _refuse_model
        tokenize._install_spacy_model = _refuse_model
        _PATCHED = True


_SKIP_CATEGORIES = {"PageBreak", "PageNumber", "Image", "Picture"}
# In PDF text boxes pdfminer joins lines, so "Article 2 La durée ..." arrives inside one element. An
# article heading starts the element or follows a sentence end and is followed by a capitalised word
# (a cross-reference at a sentence start, "Article 12 du règlement ...", is followed by lower case).
_EMBEDDED_ARTICLE = re.compile(
    r"(?:^|(?<=[.;:»”\"]\s))((?:Article|ARTICLE|Artikel)\s+(?:premier|1er|\d+(?:\s?(?:bis|ter|quater))?))"
    r"(?:\s*[-–:.]\s*|\s+)(?=[A-ZÀ-Ý«\"“])"
)


def _split_embedded_articles(text: str) -> list[Block]:
    blocks: list[Block] = []
    last = 0
    for m in _EMBEDDED_ARTICLE.finditer(text):
        before = text[last:m.start()].strip()
        if before:
            blocks.append(Block(before))
        blocks.append(Block(m.group(1), level=2))
        last = m.end()
    rest = text[last:].strip()
    if rest:
        blocks.append(Block(rest))
    return blocks


def elements_to_blocks(elements, *, split_articles: bool = False) -> list[Block]:
    elements = list(elements)
    # Running headers/footers repeat on every page; a header seen once (a first-page title) is kept.
    counts: dict[str, int] = {}
    for element in elements:
        if getattr(element, "category", "") in ("Header", "Footer"):
            key = (getattr(element, "text", "") or "").strip()
            counts[key] = counts.get(key, 0) + 1
    blocks: list[Block] = []
    for element in elements:
        category = getattr(element, "category", "") or type(element).__name__
        text = (getattr(element, "text", "") or "").strip()
        if not text or category in _SKIP_CATEGORIES:
            continue
        if category in ("Header", "Footer") and counts.get(text, 0) > 1:
            continue
        if category == "Header" and not blocks and len(text) <= 150:
            blocks.append(Block(text, level=1))  # a first-page header that appears once: the title
            continue
        if category == "Title" and len(text) <= 150 and not text.endswith((".", ";", ",", ":")):
            depth = getattr(getattr(element, "metadata", None), "category_depth", None) or 0
            blocks.append(Block(text, level=min(int(depth) + 1, 6)))
        elif category == "ListItem":
            blocks.append(Block(f"- {text}"))
        elif split_articles:
            blocks.extend(_split_embedded_articles(text))
        else:
            blocks.append(Block(text))
    return blocks


def _partition_pdf(file: Path):
    make_unstructured_offline()
    from unstructured.partition.pdf import partition_pdf

    return partition_pdf(filename=str(file), strategy="fast", languages=["eng"], infer_table_structure=False,
                         include_page_breaks=False, extract_images_in_pdf=False)


def _partition_docx(file: Path):
    make_unstructured_offline()
    from unstructured.partition.docx import partition_docx

    return partition_docx(filename=str(file), languages=["eng"], include_page_breaks=False,
                          infer_table_structure=False)


def parse_with_unstructured(ctx: FileContext, kind: str) -> list[Chunk]:
    if kind == "docx":
        archive = check_zip(ctx.file, ctx.settings, label="DOCX")
        try:
            names = set(archive.namelist())
        finally:
            archive.close()
        if "word/document.xml" not in names:
            raise ParseError("ZIP container without word/document.xml: not a DOCX document")
        partition = _partition_docx
    elif kind == "pdf":
        if b"%%EOF" not in ctx.data[-2048:] and b"%%EOF" not in ctx.data:
            raise ParseError("corrupt PDF: no %%EOF marker (truncated or damaged file)")
        partition = _partition_pdf
    else:
        raise ParseError(f"no unstructured partitioner for {kind}")
    try:
        elements = partition(ctx.file)
    except ParseError:
        raise
    except Exception as exc:  # noqa: BLE001 - any library failure on bad input becomes a clear ParseError
        message = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise ParseError(f"corrupt or unreadable {kind.upper()}: {type(exc).__name__}: {message}") from exc
    blocks = elements_to_blocks(elements, split_articles=kind == "pdf")
    if not blocks:
        if kind == "pdf":
            raise ParseError("PDF has no text layer (scanned image?): OCR is not enabled")
        raise ParseError(f"{kind.upper()} has no text")
    units = build_units(blocks, StructureOptions(file_name=ctx.name))
    sample = "\n".join(b.text for b in blocks[:80])
    inferred = infer(ctx.rel_path, sample)
    for unit in units:
        alias = canonical_article(unit.ref)
        if alias != unit.ref:
            unit.meta["ref_alias"] = alias
    return units_to_chunks(ctx, units, inferred)
