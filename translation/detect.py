"""Offline language detection (lingua), per text and per segment for mixed-language documents.

The detector uses lingua's low-accuracy (trigram) models over the configured candidate languages:
~50 MB and a fraction of a second to load, reliable on sentences; very short texts (codes, names,
one word) are not classified and inherit the document's language.
"""
from __future__ import annotations

import re

import threading
from dataclasses import dataclass
from functools import lru_cache

MIN_LETTERS = 12  # below this a segment is too short to classify on its own
SEGMENT_SWITCH_CONFIDENCE = 0.85  # a segment leaves the document language only when this sure
_lock = threading.Lock()


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float  # 0..1

    def to_libretranslate(self) -> dict:
        return {"confidence": round(self.confidence * 100, 1), "language": self.language}


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = []
    for code in languages:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is not None:
            chosen.append(Language.from_iso_code_639_1(iso))
    if len(chosen) < 2:
        raise ValueError("language detection needs at least two candidate languages")
    return LanguageDetectorBuilder.from_languages(*chosen).with_low_accuracy_mode().build()


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


_NOT_LANGUAGE = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+")  # e-mail addresses, URLs


def detect(text: str, languages: tuple[str, ...], *, top: int = 3) -> list[Detection]:
    """Most likely languages of `text`, best first (empty when there is nothing to classify). E-mail
    addresses and URLs are left out: "casa.nationala@cnas.ro" says nothing of the sentence's language."""
    text = _NOT_LANGUAGE.sub(" ", text)
    if _letters(text) == 0:
        return []
    detector = _detector(tuple(languages))
    with _lock:
        values = detector.compute_language_confidence_values(text[:2000])
    return [Detection(v.language.iso_code_639_1.name.lower(), float(v.value)) for v in values[:top] if v.value > 0]


def detect_one(text: str, languages: tuple[str, ...]) -> Detection | None:
    found = detect(text, languages, top=1)
    return found[0] if found else None


def detect_document(texts: list[str], languages: tuple[str, ...]) -> tuple[Detection | None, list[Detection | None]]:
    """The document's language (weighted by letters) and each segment's own language when it is long
    enough and clearly different; other segments get None (= the document's language)."""
    per_segment: list[Detection | None] = []
    weights: dict[str, float] = {}
    for text in texts:
        letters = _letters(text)
        if letters < MIN_LETTERS:
            per_segment.append(None)
            continue
        found = detect_one(text, languages)
        per_segment.append(found)
        if found:
            weights[found.language] = weights.get(found.language, 0.0) + letters * found.confidence
    if not weights:
        # Only short pieces: classify them together.
        joined = " ".join(texts)
        document = detect_one(joined, languages) if _letters(joined) else None
        return document, [None] * len(texts)
    best = max(weights, key=weights.get)
    total = sum(weights.values())
    document = Detection(best, weights[best] / total)
    resolved = []
    for found in per_segment:
        if found and found.language != best and found.confidence >= SEGMENT_SWITCH_CONFIDENCE:
            resolved.append(found)
        else:
            resolved.append(None)
    return document, resolved
