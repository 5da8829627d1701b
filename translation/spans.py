"""Carry inline formatting (bold, italic, links, inline code) from a source sentence to its translation.

Engines translate plain sentences, so formatted stretches are placed again afterwards, in this order:
a span covering (nearly) the whole sentence covers the whole translation; a span whose own
translation (or its unchanged text: names, numbers, codes) occurs in the translation goes there;
otherwise it is placed at the proportional position, on word boundaries, and reported as approximate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from translation.segments import Span


@dataclass
class Projection:
    spans: list[Span]
    approximate: bool


def _non_space(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _find(haystack: str, needle: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    needle = needle.strip()
    if not needle:
        return None
    pattern = r"\s+".join(re.escape(part) for part in needle.split())
    for flags in (0, re.IGNORECASE):
        for m in re.finditer(pattern, haystack, flags):
            if all(m.end() <= a or m.start() >= b for a, b in taken):
                return m.start(), m.end()
    return None


def _snap(text: str, pos: int, *, forward: bool) -> int:
    pos = max(0, min(len(text), pos))
    if forward:
        while pos < len(text) and not text[pos].isspace():
            pos += 1
    else:
        while pos > 0 and not text[pos - 1].isspace():
            pos -= 1
    return pos


def project_spans(source: str, target: str, spans: list[Span], span_translations: dict[int, str] | None = None) -> Projection:
    if not spans or not target:
        return Projection([], False)
    span_translations = span_translations or {}
    total = max(1, _non_space(source))
    placed: list[Span] = []
    taken: list[tuple[int, int]] = []
    approximate = False
    dominant = [i for i, sp in enumerate(spans) if _non_space(source[sp.start:sp.end]) / total >= 0.9]
    for index, span in enumerate(spans):
        if index in dominant:
            continue
        location = None
        if not span.protected and span_translations.get(index):
            location = _find(target, span_translations[index], taken)
        if location is None:
            location = _find(target, source[span.start:span.end], taken)
        if location is None:
            if span.protected:
                continue  # the quality check reports the missing protected text
            approximate = True
            ratio_a = span.start / max(1, len(source))
            ratio_b = span.end / max(1, len(source))
            a = _snap(target, round(ratio_a * len(target)), forward=False)
            b = _snap(target, round(ratio_b * len(target)), forward=True)
            while a < b and target[a].isspace():
                a += 1
            while b > a and target[b - 1].isspace():
                b -= 1
            if b <= a or any(not (b <= x or a >= y) for x, y in taken):
                continue
            location = (a, b)
        placed.append(Span(location[0], location[1], span.style, span.protected))
        taken.append(location)
    for index in dominant:
        span = spans[index]
        # The dominant style covers the translation around whatever else was placed inside it.
        cursor = len(target) - len(target.lstrip())
        stop = len(target.rstrip())
        for a, b in sorted(taken) + [(stop, stop)]:
            if a > cursor:
                piece_end = min(a, stop)
                if piece_end > cursor:
                    placed.append(Span(cursor, piece_end, span.style, span.protected))
            cursor = max(cursor, b)
        taken.append((len(target) - len(target.lstrip()), stop))
    placed.sort(key=lambda sp: sp.start)
    return Projection(placed, approximate)
