"""Legal references found in text, normalised for the `cites` metadata and for lookups.

`extract_references(text)` returns, in order of first appearance and without duplicates:
- French code articles: "article L. 761-1", "art. R767-2", "L1262-4", "D.767-1" -> "L761-1", "R767-2",
  "L1262-4", "D767-1" (letter + number; the "L." / "L " spellings of Légifrance are folded).
- EU acts: "règlement (CE) n° 883/2004", "Regulation 987/2009", "directive 2011/24/UE",
  "Directive (EU) 2018/957", "directive 96/71/CE" -> "883/2004", "987/2009", "2011/24", "2018/957", "96/71".
  A bare "883/2004" counts when one side is a plausible year; "96/71" needs an act word before it
  (two-digit pairs are too often dates or ratios).
- French statutes cited by number: "décret n° 2022-434", "loi n°2018-1203", "ordonnance 2007-329",
  "arrêté n° 2019-12" -> "décret 2022-434", "loi 2018-1203", ...

`extract_form_codes(text)` returns coordination form codes: portable documents and E-forms (A1, S1,
S2, S3, U1, U2, DA1, P1, E101, E106, E 121 ...) and French bilateral forms (SE 352-01). Short codes
such as "S1" need a form word nearby ("formulaire S1", "attestation A1", "document portable S1",
"form E106", "the S1 form") so that a section "S1" or a paper size "A1" is not taken for a form.

All patterns are linear-time regular expressions (no nested quantifiers): safe on hostile input.
"""
from __future__ import annotations

import re

_CODE_ARTICLE = re.compile(
    r"(?<![A-Za-z0-9/])([LRD])(?:\s?\*\s?)?(?:\.\s?|\s)?(\d{3,4}(?:-\d{1,3}){1,3})(?![\d/])"
)
_ACT_WORDS = (
    r"r[èe]glements?|regulations?|directives?|d[ée]cisions?|verordnung|richtlinie|"
    r"reglamento|directiva|regolamento|direttiva"
)
# An act word shortly before "883/2004" ("règlement (CE) n° 883/2004", "Directive (EU) 2018/957").
_ACT_BEFORE = re.compile(
    rf"\b(?:{_ACT_WORDS})\b[^\S\n]*(?:\((?:CE|CEE|UE|EU|EC|EEC|EWG|EG|Euratom)\)[^\S\n]*)?"
    r"(?:(?:n|no|nr)[^\S\n]*[°º.o]?[^\S\n]*)?$",
    re.IGNORECASE,
)
_NUMBER_PAIR = re.compile(r"(?<![\d/.,])(\d{1,4})/(\d{2,4})(?![\d]|/\d|\.\d)")
_FR_STATUTE = re.compile(
    r"\b(d[ée]cret|loi|ordonnance|arr[êe]t[ée])[^\S\n]+(?:n[^\S\n]*[°º.o]?[^\S\n]*)?(\d{2,4}-\d{1,5})(?![\d-])",
    re.IGNORECASE,
)
_STATUTE_NAMES = {"decret": "décret", "décret": "décret", "loi": "loi", "ordonnance": "ordonnance",
                  "arrete": "arrêté", "arrêté": "arrêté", "arreté": "arrêté", "arrête": "arrêté"}

_FORM_BEFORE = re.compile(
    r"(?:formulaires?|forms?|formul[äa]r(?:e|en)?|attestations?|documents?|portables?|certificats?|certificates?|"
    r"imprim[ée]s?|mod[èe]les?|\bPD|\bSED|carte)[^\S\n]*(?:[A-Za-zéè'’°.]{1,12}[^\S\n]*){0,2}[«\"“(]?[^\S\n]*$",
    re.IGNORECASE,
)
_FORM_AFTER = re.compile(r"^[^\S\n]*[»\")]?[^\S\n]*(?:form|formulaire|certificate|attestation|document)\b", re.IGNORECASE)
_SHORT_FORM = re.compile(r"(?<![A-Za-z0-9])((?:DA|[ASUPH])\d{1,2})(?![A-Za-z0-9])")
_E_FORM = re.compile(r"(?<![A-Za-z0-9])E[^\S\n]?([1-4]\d{2})(?![\d])")
_SE_FORM = re.compile(r"(?<![A-Za-z0-9])SE[^\S\n]?(\d{1,3})[^\S\n]?-[^\S\n]?(\d{1,2})(?![\d])")


def _plausible_year(value: str) -> bool:
    if len(value) == 4:
        return 1950 <= int(value) <= 2099
    return False


def _add(out: list[str], seen: set[str], ref: str) -> None:
    if ref not in seen:
        seen.add(ref)
        out.append(ref)


def normalise_code_article(value: str) -> str | None:
    """'L. 761-2' / 'l761-2' / 'art. R767-2' -> 'L761-2'; None if it is not a code article number."""
    compact = re.sub(r"\s+", "", value.upper().replace("ARTICLE", "").replace("ART.", ""))
    match = _CODE_ARTICLE.search(compact)
    return f"{match.group(1)}{match.group(2)}" if match else None


def extract_references(text: str) -> list[str]:
    """Normalised legal references cited in `text` (code articles, EU acts, French statutes)."""
    if not text:
        return []
    found: list[tuple[int, str]] = []
    for m in _CODE_ARTICLE.finditer(text):
        found.append((m.start(), f"{m.group(1)}{m.group(2)}"))
    if "/" in text:
        for m in _NUMBER_PAIR.finditer(text):
            left, right = m.group(1), m.group(2)
            if _ACT_BEFORE.search(text[max(0, m.start() - 60):m.start()]):
                found.append((m.start(), f"{left}/{right}"))
                continue
            if _plausible_year(left) and _plausible_year(right):  # "2020/2021": a period, not an act
                continue
            if _plausible_year(right) and len(left) >= 2:
                if int(left) <= 12 and len(left) <= 2:  # "12/2004" reads as a month/year date
                    continue
                found.append((m.start(), f"{left}/{right}"))
            elif _plausible_year(left) and len(right) >= 2 and int(right) <= 999:
                found.append((m.start(), f"{left}/{right}"))
    if "-" in text:
        for m in _FR_STATUTE.finditer(text):
            kind = _STATUTE_NAMES.get(m.group(1).lower(), m.group(1).lower())
            found.append((m.start(), f"{kind} {m.group(2)}"))
    out: list[str] = []
    seen: set[str] = set()
    for _, ref in sorted(found, key=lambda item: item[0]):
        _add(out, seen, ref)
    return out


def extract_form_codes(text: str) -> list[str]:
    """Coordination form codes mentioned in `text` (A1, S1, E106, SE 352-01, ...), normalised."""
    if not text:
        return []
    found: list[tuple[int, str]] = []
    for m in _E_FORM.finditer(text):
        found.append((m.start(), f"E{m.group(1)}"))
    for m in _SE_FORM.finditer(text):
        found.append((m.start(), f"SE {m.group(1)}-{m.group(2).zfill(2)}"))
    for m in _SHORT_FORM.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        after = text[m.end():m.end() + 25]
        if _FORM_BEFORE.search(before) or _FORM_AFTER.match(after):
            found.append((m.start(), m.group(1).upper()))
    out: list[str] = []
    seen: set[str] = set()
    for _, code in sorted(found, key=lambda item: item[0]):
        _add(out, seen, code)
    return out


def join_cites(*groups: list[str], limit: int = 60) -> str:
    """'|'-separated cites with leading/trailing '|' ("" when none), capped to `limit` entries."""
    out: list[str] = []
    seen: set[str] = set()
    for group in groups:
        for ref in group:
            ref = ref.replace("|", "/").strip()
            if ref and ref not in seen:
                seen.add(ref)
                out.append(ref)
    out = out[:limit]
    return f"|{'|'.join(out)}|" if out else ""
