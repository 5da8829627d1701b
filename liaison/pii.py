"""Personal identifiers: validation (NIR, IBAN, SIRET) and masking in free text (logs, transcripts).

Used by the assistant guard, intake validation and every log line that may hold user input.
"""
from __future__ import annotations

import re

__all__ = ["nir_is_valid", "iban_is_valid", "siret_is_valid", "mask_pii", "mask_names", "normalize_identifier"]


def normalize_identifier(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def nir_is_valid(value: str) -> bool:
    """French social-security number: 13 characters + 2-digit key (97 - number mod 97).
    Corsica departments 2A/2B are replaced by 19/18 for the key computation."""
    nir = normalize_identifier(value)
    if not re.fullmatch(r"[12378]\d{4}(\d{2}|2A|2B)\d{6}\d{2}", nir):
        return False
    body, key = nir[:13], int(nir[13:])
    body = body.replace("2A", "19").replace("2B", "18")
    return 97 - (int(body) % 97) == key


def iban_is_valid(value: str) -> bool:
    iban = normalize_identifier(value)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_is_valid(value: str) -> bool:
    """SIRET: 14 digits, Luhn checksum (La Poste establishments, SIREN 356000000, use digit sum % 5)."""
    siret = normalize_identifier(value)
    if not re.fullmatch(r"\d{14}", siret):
        return False
    if siret.startswith("356000000") and siret != "35600000000048":
        return sum(int(c) for c in siret) % 5 == 0
    return _luhn_ok(siret)


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_NIR = re.compile(r"\b[12378][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2A|2B)[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}\b")
_PHONE = re.compile(r"(?<![\w/])(?:\+\d{1,3}[ .\-]?)?(?:\(0\)[ .\-]?)?\d(?:[ .\-]?\d){7,12}(?![\w/])")
# What the phone pattern also matches but is not personal: dates ("2026-03-14", "14.03.2026",
# "14-03-2026 10:30"), statute numbers ("décret n° 2012-1486") and code article numbers written with
# a letter before ("D. 161-2-1-8-3").
_STATUTE_NUMBER = re.compile(r"^(?:19|20)\d{2}-\d{1,5}$")
_DATE = re.compile(r"^(?:(\d{4})([-. ])(\d{2})\2(\d{2})|(\d{2})([-. ])(\d{2})\6(\d{4}))$")
_ARTICLE_BEFORE = re.compile(r"(?:\b[LRDA]\.?\s?|\barticles?\s|\bart\.\s?)$", re.IGNORECASE)


def _is_date(value: str) -> bool:
    m = _DATE.match(value)
    if not m:
        return False
    year, month, day = (m.group(1), m.group(3), m.group(4)) if m.group(1) else (m.group(8), m.group(7), m.group(5))
    return 1800 <= int(year) <= 2200 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _phone(match: re.Match) -> str:
    value = match.group(0)
    if _is_date(value) or _STATUTE_NUMBER.match(value) or _ARTICLE_BEFORE.search(match.string[max(0, match.start() - 14):match.start()]):
        return value
    return "[phone]"


def mask_pii(text: str) -> str:
    """Replace e-mail addresses, IBANs, NIRs and phone numbers with placeholders.
    NIR and IBAN candidates are masked whether or not their key is valid (a typo is still personal)."""
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    text = _IBAN.sub("[iban]", text)
    text = _NIR.sub("[nir]", text)
    text = _PHONE.sub(_phone, text)
    return text


# A name introduced in free text ("je m'appelle Claire Martin", "Madame Martin", "my name is ...").
_NAME_INTRO = re.compile(
    r"(?i:\b(je m'appelle|je m’appelle|mon nom est|my name is|madame|monsieur|mme\.?|mlle\.?|mr\.?|mrs\.?|ms\.?|m\.)"
    r")(\s+)((?:[A-ZÀ-Ý][\w'’\-]+)(?:\s+[A-ZÀ-Ý][\w'’\-]+){0,2})")


def mask_names(text: str, *names: str | None) -> str:
    """Replace the given person names (each word of two letters or more, any case) and names introduced
    by a salutation or "my name is" with `[name]`. For masked views of free text that `mask_pii` alone
    leaves readable (names are not patterns)."""
    if not text:
        return text
    words = {w for name in names if name for w in re.split(r"[\s,;]+", name) if len(w.strip(".-'")) >= 2}
    for word in sorted(words, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "[name]", text, flags=re.IGNORECASE)
    return _NAME_INTRO.sub(lambda m: f"{m.group(1)}{m.group(2)}[name]", text)
