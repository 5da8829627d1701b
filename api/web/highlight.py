"""Find a cited passage in an article's text so the viewer can highlight it.

Quotes coming from answers are rarely byte-identical to the stored text: whitespace is reflowed,
apostrophes differ (' vs ’), case changes, and elisions are written "…". So matching works on a
normalised copy of the text that keeps a map back to the original offsets.
"""
from __future__ import annotations

import re
import unicodedata

_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.|\[\s*…\s*\]|\[\.\.\.\])\s*")
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "`": "'", "«": '"', "»": '"', "“": '"', "”": '"',
                            "\u00a0": " ", "\u202f": " ", "\u2009": " ", "‐": "-", "–": "-", "—": "-",
                            "\u00ad": ""})
MIN_FRAGMENT = 12


def _normalise(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with quotes unified and whitespace runs collapsed, plus, for each kept
    character, its offset in the original."""
    out: list[str] = []
    offsets: list[int] = []
    previous_space = True
    for i, ch in enumerate(text):
        ch = unicodedata.normalize("NFKC", ch).translate(_TRANSLATE).lower()
        if not ch:
            continue
        if ch.isspace():
            if previous_space:
                continue
            ch = " "
            previous_space = True
        else:
            previous_space = False
        for c in ch:
            out.append(c)
            offsets.append(i)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


def _fragments(quote: str) -> list[str]:
    quote = quote.strip().strip('"«»“”\'')
    return [f.strip() for f in _ELLIPSIS.split(quote) if f.strip()]


def find_passages(text: str, quote: str | None) -> list[tuple[int, int]]:
    """Character ranges [start, end) of `text` that correspond to `quote` (merged, in order)."""
    if not text or not quote or not quote.strip():
        return []
    norm_text, offsets = _normalise(text)
    ranges: list[tuple[int, int]] = []

    def locate(fragment: str) -> bool:
        norm_fragment, _ = _normalise(fragment)
        if len(norm_fragment) < MIN_FRAGMENT:
            return False
        at = norm_text.find(norm_fragment)
        if at < 0:
            return False
        ranges.append((offsets[at], offsets[at + len(norm_fragment) - 1] + 1))
        return True

    for fragment in _fragments(quote[:5000]):
        if locate(fragment):
            continue
        for sentence in _SENTENCE_END.split(fragment):  # a reworded fragment may still share sentences
            locate(sentence.strip(" .;:"))
    if not ranges:
        best = _best_sentence(text, quote)
        if best:
            ranges.append(best)
    return _merge(ranges)


def _best_sentence(text: str, quote: str) -> tuple[int, int] | None:
    """Fallback for paraphrased quotes: the sentence sharing the most words with the quote, if it
    shares at least half of the quote's distinct words."""
    quote_words = {w.lower() for w in _WORD.findall(quote) if len(w) > 2}
    if len(quote_words) < 3:
        return None
    best, best_score = None, 0.0
    start = 0
    for piece in re.split(r"(?<=[.;:!?\n])", text):
        end = start + len(piece)
        words = {w.lower() for w in _WORD.findall(piece) if len(w) > 2}
        if words:
            score = len(words & quote_words) / len(quote_words)
            if score > best_score:
                stripped = len(piece) - len(piece.lstrip())
                best, best_score = (start + stripped, end), score
        start = end
    return best if best_score >= 0.5 else None


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def segments(text: str, quote: str | None) -> list[tuple[str, bool]]:
    """The text cut into (piece, highlighted) pairs, ready for a template to escape and render."""
    out: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in find_passages(text, quote):
        if start > cursor:
            out.append((text[cursor:start], False))
        out.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out
