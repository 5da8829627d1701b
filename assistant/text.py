"""Small text utilities shared by the assistant modules (folding, sentences, numbers)."""
from __future__ import annotations

import re
import unicodedata

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"(•\-–])|\n+")
# Abbreviations after which a period does not end a sentence.
_ABBREV = re.compile(r"\b(?:art|arts|al|n°|no|cf|ex|etc|M|Mme|MM|Dr|p|pp|vol|op|éd|ed|Ibid|st|[A-Z])\.$")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class _FoldTable(dict):
    """str.translate mapping filled on first sight of each character: one C-speed pass per text instead
    of a per-character Python loop (fold runs over every retrieved passage of every question).
    Folding character by character equals folding the whole string: marks are dropped either way."""

    def __missing__(self, codepoint: int) -> str:
        folded = self[codepoint] = _strip_marks(chr(codepoint))
        return folded


_FOLD_TABLE = _FoldTable({ord("œ"): "oe", ord("æ"): "ae", ord("’"): "'", 0xA0: " "})


def fold(text: str) -> str:
    """Lower case, accents removed (é->e, œ->oe), typographic apostrophes normalised."""
    text = (text or "").lower()
    return text if text.isascii() else text.translate(_FOLD_TABLE)


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a passage (regex splitter: deterministic, no model)."""
    pieces = []
    buffer = ""
    for part in _SENTENCE_END.split(text or ""):
        part = part.strip()
        if not part:
            continue
        buffer = f"{buffer} {part}".strip() if buffer else part
        if _ABBREV.search(buffer):
            continue  # "art." / "n°." : the sentence goes on
        pieces.append(buffer)
        buffer = ""
    if buffer:
        pieces.append(buffer)
    return [re.sub(r"\s+", " ", p).strip(" -•–") for p in pieces if len(p.strip(" -•–")) > 1]


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()
