"""Small text utilities shared by the assistant modules (folding, sentences, numbers)."""
from __future__ import annotations

import re
import unicodedata

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"(•\-–])|\n+")
# Abbreviations after which a period does not end a sentence.
_ABBREV = re.compile(r"\b(?:art|arts|al|n°|no|cf|ex|etc|M|Mme|MM|Dr|p|pp|vol|op|éd|ed|Ibid|st|[A-Z])\.$")


def fold(text: str) -> str:
    """Lower case, accents removed (é->e, œ->oe), typographic apostrophes normalised."""
    text = (text or "").lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'").replace("\u00a0", " ")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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
