"""Recognising EESSI codes in free text: BUC ids (LA_BUC_01), SED codes (A001, P2000, S053A), portable
documents (A1, S1, EHIC) and old E-forms ("E106", "E 112", "E-101"). Only codes the catalogue holds are
returned, so "R767-2" or "L761-2" are never taken for a SED."""
from __future__ import annotations

import re
from dataclasses import dataclass

from eessi.catalogue import Catalogue

BUC, SED, DOCUMENT, E_FORM = "buc", "sed", "document", "e_form"

_BUC = re.compile(r"(?<![\w/])([A-Za-z]{1,2})[_ ]BUC[_ ](\d{1,2})([a-z]?)(?![\w-])", re.I)
_SED = re.compile(r"(?<![\w/.-])(DA|[AFHMPRSUX])(\d{3,5})(CB|[ACR])?(?![\w-])")
_SED_ANY_CASE = re.compile(r"(?<![\w/.-])(DA|[AFHMPRSUX])(\d{3,5})(CB|[ACR])?(?![\w-])", re.I)
_DOCUMENT = re.compile(r"(?<![\w/.-])(A1|S1|S2|S3|DA1|U1|U2|U3|P1|EHIC)(?![\w-])")
_E_FORM_RE = re.compile(r"(?<![\w/.-])E[ \u00a0-]?(\d{3})([A-Z]?)(?![\w-])", re.I)


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str       # buc | sed | document | e_form
    code: str       # canonical code as the catalogue writes it
    text: str       # as written in the text


def normalise_buc(catalogue: Catalogue, raw: str) -> str | None:
    m = _BUC.fullmatch(raw.strip())
    if not m:
        return None
    sector, number, suffix = m.group(1).upper(), int(m.group(2)), m.group(3).lower()
    for candidate in (f"{sector}_BUC_{number:02d}{suffix}", f"{sector}_BUC_{number}{suffix}"):
        if candidate in catalogue.bucs:
            return candidate
    return None


def normalise_sed(catalogue: Catalogue, raw: str) -> str | None:
    code = raw.strip().upper().replace(" ", "")
    return code if code in catalogue.seds else None


def normalise_form(catalogue: Catalogue, raw: str) -> tuple[str, str] | None:
    """(kind, code) for a portable document ('S1') or an old E-form the catalogue knows ('E 112' -> E112)."""
    text = raw.strip()
    upper = text.upper()
    if upper in catalogue.documents:
        return DOCUMENT, upper
    m = _E_FORM_RE.fullmatch(text)
    if m:
        code = "E" + m.group(1) + m.group(2).upper()
        if code in catalogue.e_forms():
            return E_FORM, code
    return None


def find_codes(catalogue: Catalogue, text: str, *, any_case: bool = False) -> list[Found]:
    """Catalogue codes written in `text`, in order, without overlaps. `any_case` also accepts 'a001' and
    'la_buc_01' (questions); texts shown to agents are matched as written (upper case)."""
    found: list[Found] = []
    for m in _BUC.finditer(text):
        if not any_case and not m.group(0).isupper() and not m.group(0)[-1].islower():
            continue
        code = normalise_buc(catalogue, m.group(0))
        if code:
            found.append(Found(m.start(), m.end(), BUC, code, m.group(0)))
    for m in (_SED_ANY_CASE if any_case else _SED).finditer(text):
        code = m.group(0).upper()
        if code in catalogue.seds:
            found.append(Found(m.start(), m.end(), SED, code, m.group(0)))
    for m in _DOCUMENT.finditer(text):
        if m.group(0) in catalogue.documents:
            found.append(Found(m.start(), m.end(), DOCUMENT, m.group(0), m.group(0)))
    e_forms = catalogue.e_forms()
    for m in _E_FORM_RE.finditer(text):
        if not any_case and m.group(0)[0] != "E":
            continue
        code = "E" + m.group(1) + m.group(2).upper()
        if code not in e_forms and "E" + m.group(1) in e_forms and not m.group(2):
            code = "E" + m.group(1)
        if code in e_forms:
            found.append(Found(m.start(), m.end(), E_FORM, code, m.group(0)))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Found] = []
    for f in found:
        if out and f.start < out[-1].end:
            continue
        out.append(f)
    return out
