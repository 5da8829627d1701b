"""Quality checks per segment, reported as flags the translator reviews.

What an engine must never change silently: numbers, dates, amounts, article references and form codes
(compared as values, so "1 234,50" in French and "1,234.50" in English agree, "12 mars 2024" and
"12 March 2024" agree, "16 semaines" -> "12 weeks" does not). Also: glossary terms not applied,
segments left untranslated or only partly translated, a length ratio out of range, and engine drafts.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from translation.languages import DECIMAL_COMMA

SEVERITIES = ("error", "warning", "info")
FLAG_CODES = {
    "number_changed": "error",
    "date_changed": "error",
    "amount_changed": "error",
    "article_ref_changed": "error",
    "form_code_changed": "error",
    "protected_text_missing": "error",
    "glossary_not_applied": "warning",
    "untranslated": "error",
    "partial_translation": "warning",
    "length_ratio": "warning",
    "engine_draft": "warning",
    "fuzzy_match": "warning",
    "placeable_match": "info",
    "formatting_approximate": "info",
    "language_differs": "info",
    "job_stopped": "error",
}


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    severity: str = ""
    detail: dict = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self):
        if self.code not in FLAG_CODES:
            raise ValueError(f"unknown flag code {self.code!r}; allowed: {', '.join(FLAG_CODES)}")
        if not self.severity:
            object.__setattr__(self, "severity", FLAG_CODES[self.code])
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}")

    def to_public(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message, "detail": self.detail}

    @classmethod
    def from_public(cls, data: dict) -> "Flag":
        return cls(data["code"], data.get("message", ""), data.get("severity", ""), data.get("detail") or {})


# -- entity extraction ------------------------------------------------------------------------------

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "en": ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"],
    "de": ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
}
_MONTH_NUMBER: dict[str, int] = {}
for _names in MONTHS.values():
    for _i, _name in enumerate(_names, start=1):
        _MONTH_NUMBER.setdefault(_name, _i)
for _abbr, _num in (("jan", 1), ("feb", 2), ("févr", 2), ("fév", 2), ("mar", 3), ("apr", 4), ("avr", 4),
                    ("jun", 6), ("jul", 7), ("juil", 7), ("aug", 8), ("sep", 9), ("sept", 9), ("oct", 10),
                    ("nov", 11), ("dec", 12), ("déc", 12), ("janv", 1)):
    _MONTH_NUMBER.setdefault(_abbr, _num)
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTH_NUMBER), key=len, reverse=True))

_NUM = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_CURRENCY = r"€|EUR|euros?|XPF|F\s?CFP|francs?\s+CFP|CHF|£|GBP|\$|USD|US\s?\$|MAD|TND|DZD"
AMOUNT_RE = re.compile(rf"(?:(?P<c1>{_CURRENCY})\s?(?P<n1>{_NUM}))|(?:(?P<n2>{_NUM})\s?(?P<c2>{_CURRENCY}))(?!\w)",
                       re.IGNORECASE)
DATE_NUMERIC_RE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?![\d/-]|\.\d)|(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
DATE_TEXT_RE = re.compile(
    rf"(?<!\d)(?P<d1>\d{{1,2}})(?:er|st|nd|rd|th|º|°|\.)?\s+(?:de\s+)?(?P<m1>{_MONTH_RE})\.?\s+(?:de\s+)?(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH_RE})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})",
    re.IGNORECASE)
ARTICLE_RE = re.compile(
    r"(?:(?:\b(?:articles?|art\.|arts\.|artikel|art[íi]culos?|articol[oi]|artigos?)|§§?)\s*)"
    r"(?P<ref>(?:[LRDA]\.?\s?\*?)?\d+(?:[-‐‑.]\d+)*(?:\s?(?:bis|ter|quater|[a-z](?![a-z])))?(?:\s?\(\d+\))*(?:\s?\([a-z]\))*)",
    re.IGNORECASE)
CODE_ARTICLE_RE = re.compile(r"(?<![\w-])(?P<ref>[LRD]\.?\s?\d{3,4}(?:-\d+)+)(?![\w-])")
FORM_CODE_RE = re.compile(
    r"(?<![\w-])(?:PD\s?)?(?:A1|S[123]|DA1|U[123]|P1|E\s?\d{3}|[AFHPSUX]\d{3,4}|SE\s?\d{3}-\d{2})(?![\w-])")
NUMBER_RE = re.compile(rf"(?<![\w]){_NUM}")
# Clock times, written "8:00", "8.00 Uhr", "8 Uhr", "8 h", "8h30", "18 h 00", "8:00 am": compared by value
# so "8:00 bis 18:00 Uhr" -> "de 8 h à 18 h" is no change.
TIME_RE = re.compile(
    r"(?<![\d:.,])(?P<h1>\d{1,2}):(?P<m1>\d{2})(?:\s*(?P<ap1>[ap])\.?m\.?|\s*(?:Uhr|h)\b)?(?![\d:])"
    r"|(?<![\d:.,])(?P<h2>\d{1,2})\.(?P<m2>\d{2})\s*Uhr\b"
    r"|(?<![\d:.,])(?P<h3>\d{1,2})\s?(?:h|Uhr)(?:\s?(?P<m3>\d{2}))?(?![\w])"
    r"|(?<![\d:.,])(?P<h4>\d{1,2})\s*(?P<ap4>[ap])\.?m\.?(?![\w])", re.IGNORECASE)


def _time_value(m: re.Match) -> str:
    for i in "1234":
        hour = m.groupdict().get(f"h{i}")
        if hour is not None:
            minute = int(m.groupdict().get(f"m{i}") or 0)
            value = int(hour) % 24
            meridiem = (m.groupdict().get(f"ap{i}") or "").lower()
            if meridiem == "p" and value < 12:
                value += 12
            elif meridiem == "a" and value == 12:
                value = 0
            return f"{value}:{minute:02d}"
    return m.group(0)


def _canonical_number(raw: str, lang: str) -> str:
    """'1 234,50' (fr) and '1,234.50' (en) -> '1234.5'."""
    text = raw.replace("\u00a0", " ").replace("\u202f", " ")
    decimal_comma = lang in DECIMAL_COMMA
    if decimal_comma:
        text = text.replace(" ", "").replace(".", "").replace(",", ".") if re.search(r",\d{1,2}$|,\d+$", text) \
            else text.replace(" ", "").replace(".", "").replace(",", "")
    else:
        text = text.replace(" ", "").replace(",", "")
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):  # "1.234" in an English text written the other way
            text = text.replace(".", "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("0") or "0"


def _digits(raw: str) -> str:
    return re.sub(r"\D", "", raw)


def _currency(raw: str) -> str:
    key = re.sub(r"\s+", " ", raw.strip().lower())
    if key in ("€", "eur", "euro", "euros"):
        return "EUR"
    if "cfp" in key or key == "xpf":
        return "XPF"
    if key in ("$", "usd", "us$", "us $"):
        return "USD"
    if key in ("£", "gbp"):
        return "GBP"
    return key.upper()


@dataclass
class Entities:
    amounts: list[tuple[str, str, str]] = field(default_factory=list)  # (currency, value, raw)
    dates: list[tuple[tuple[int, int, int], str]] = field(default_factory=list)
    articles: list[tuple[str, str]] = field(default_factory=list)
    codes: list[tuple[str, str]] = field(default_factory=list)
    numbers: list[tuple[str, str, str]] = field(default_factory=list)  # (canonical, digits, raw)


def _year(value: str) -> int:
    year = int(value)
    return year + (2000 if year < 50 else 1900) if year < 100 else year


def extract(text: str, lang: str) -> Entities:
    found = Entities()
    if not any(ch.isdigit() for ch in text):
        return found  # every entity kind holds a digit
    masked = list(text)

    def mask(start: int, end: int) -> None:
        for i in range(start, end):
            masked[i] = " "

    for m in AMOUNT_RE.finditer(text):
        currency = m.group("c1") or m.group("c2")
        number = m.group("n1") or m.group("n2")
        found.amounts.append((_currency(currency), _canonical_number(number, lang), m.group(0)))
        mask(m.start(), m.end())
    current = "".join(masked)
    for m in DATE_TEXT_RE.finditer(current):
        day, month, year = (m.group("d1"), m.group("m1"), m.group("y1")) if m.group("d1") else \
            (m.group("d2"), m.group("m2"), m.group("y2"))
        month_number = _MONTH_NUMBER.get(month.lower().rstrip("."))
        if month_number:
            found.dates.append(((_year(year), month_number, int(day)), m.group(0)))
            mask(m.start(), m.end())
    current = "".join(masked)
    for m in DATE_NUMERIC_RE.finditer(current):
        if m.group(4):
            value = (int(m.group(4)), int(m.group(5)), int(m.group(6)))
        else:
            value = (_year(m.group(3)), int(m.group(2)), int(m.group(1)))  # day first (European usage)
        found.dates.append((value, m.group(0)))
        mask(m.start(), m.end())
    current = "".join(masked)
    for regex in (ARTICLE_RE, CODE_ARTICLE_RE):
        for m in regex.finditer(current):
            ref = re.sub(r"[\s.*]", "", m.group("ref")).replace("‐", "-").replace("‑", "-").upper()
            found.articles.append((ref, m.group(0)))
            mask(m.start("ref"), m.end("ref"))
        current = "".join(masked)
    for m in FORM_CODE_RE.finditer(current):
        found.codes.append((re.sub(r"\s", "", m.group(0)), m.group(0)))
        mask(m.start(), m.end())
    current = "".join(masked)
    for m in TIME_RE.finditer(current):
        value = _time_value(m)
        found.numbers.append((value, value, m.group(0).strip()))  # compared with the numbers, by value
        mask(m.start(), m.end())
    current = "".join(masked)
    for m in NUMBER_RE.finditer(current):
        raw = m.group(0).rstrip(".,")
        if raw:
            found.numbers.append((_canonical_number(raw, lang), _digits(raw), raw))
    return found


# -- checks -----------------------------------------------------------------------------------------

EXPECTED_LENGTH_RATIO = {("fr", "en"): 0.88, ("en", "fr"): 1.15, ("de", "en"): 0.95, ("en", "de"): 1.1,
                         ("es", "en"): 0.9, ("en", "es"): 1.12, ("it", "en"): 0.92, ("en", "it"): 1.1,
                         ("pt", "en"): 0.92, ("en", "pt"): 1.1}


def _compare(kind: str, source_items: list, target_items: list, key, label) -> Flag | None:
    source_count = Counter(key(i) for i in source_items)
    target_count = Counter(key(i) for i in target_items)
    missing = source_count - target_count
    extra = target_count - source_count
    if not missing and not extra:
        return None
    raw_source = {key(i): label(i) for i in source_items}
    raw_target = {key(i): label(i) for i in target_items}
    missing_list = [raw_source[k] for k in missing.elements()]
    extra_list = [raw_target[k] for k in extra.elements()]
    noun = {"number_changed": "number", "date_changed": "date", "amount_changed": "amount",
            "article_ref_changed": "article reference", "form_code_changed": "form code"}[kind]
    if missing_list and extra_list:
        message = f"{noun} changed: {', '.join(missing_list)} in the source, {', '.join(extra_list)} in the translation"
    elif missing_list:
        message = f"{noun} missing from the translation: {', '.join(missing_list)}"
    else:
        message = f"{noun} not in the source: {', '.join(extra_list)}"
    severity = "error" if missing_list else "warning"
    return Flag(kind, message, severity, {"missing": missing_list, "extra": extra_list})


def _numbers_match(source: Entities, target: Entities) -> Flag | None:
    """Numbers agree by value or, failing that, by their digits (formatting may differ)."""
    remaining = list(target.numbers)
    missing = []
    for canonical, digits, raw in source.numbers:
        hit = next((t for t in remaining if t[0] == canonical), None) or \
            next((t for t in remaining if t[1] == digits), None)
        if hit:
            remaining.remove(hit)
        else:
            missing.append(raw)
    extra = [t[2] for t in remaining]
    if not missing and not extra:
        return None
    if missing and extra:
        message = f"number changed: {', '.join(missing)} in the source, {', '.join(extra)} in the translation"
    elif missing:
        message = f"number missing from the translation: {', '.join(missing)}"
    else:
        message = f"number not in the source: {', '.join(extra)}"
    return Flag("number_changed", message, "error" if missing else "warning", {"missing": missing, "extra": extra})


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{4,}", text) if w[0].islower()]


def check_segment(source: str, target: str | None, source_lang: str, target_lang: str, *,
                  missing_terms: list | None = None, protected: list[str] | None = None,
                  draft: bool = False, origin: str = "", score: float | None = None,
                  ratio_range: tuple[float, float] = (0.5, 2.0), dnt_texts: list[str] | None = None,
                  detect: Callable[[str], tuple[str, float] | None] | None = None) -> list[Flag]:
    """All flags for one translated segment."""
    flags: list[Flag] = []
    target = target or ""
    letters = sum(1 for ch in source if ch.isalpha())
    if source_lang == target_lang or origin == "copy":
        return flags
    src, tgt = extract(source, source_lang), extract(target, target_lang)
    for kind, s_items, t_items, key, label in (
        ("amount_changed", src.amounts, tgt.amounts, lambda a: (a[0], a[1]), lambda a: a[2]),
        ("date_changed", src.dates, tgt.dates, lambda d: d[0], lambda d: d[1]),
        ("article_ref_changed", src.articles, tgt.articles, lambda a: a[0], lambda a: a[1]),
        ("form_code_changed", src.codes, tgt.codes, lambda c: c[0], lambda c: c[1]),
    ):
        flag = _compare(kind, s_items, t_items, key, label)
        if flag:
            flags.append(flag)
    number_flag = _numbers_match(src, tgt)
    if number_flag:
        flags.append(number_flag)
    for text in protected or []:
        if text and text not in target:
            flags.append(Flag("protected_text_missing", f"{text!r} (code, link or markup) must appear unchanged",
                              detail={"text": text}))
    for match in missing_terms or []:
        flags.append(Flag("glossary_not_applied",
                          f"glossary: {match.text!r} should be translated {match.expected!r}"
                          if not match.term.dnt else f"glossary: {match.text!r} must stay as is",
                          detail={"source": match.text, "expected": match.expected, "origin": match.term.origin}))
    # Untranslated / partly translated.
    keep = set(dnt_texts or [])
    stripped_source = " ".join(w for w in re.findall(r"\w+", source) if w not in keep)
    translatable = len(_content_words(stripped_source)) >= 1 or len(re.findall(r"[^\W\d_]{3,}", stripped_source)) >= 2
    norm_s = re.sub(r"\s+", " ", source).strip().casefold()
    norm_t = re.sub(r"\s+", " ", target).strip().casefold()
    if letters and not norm_t:
        flags.append(Flag("untranslated", "no translation was produced"))
    elif translatable and norm_s == norm_t:
        flags.append(Flag("untranslated", "the translation is identical to the source"))
    else:
        words = [w.casefold() for w in _content_words(stripped_source)]
        target_words = {w.casefold() for w in re.findall(r"[^\W\d_]+", target)}
        kept = [w for w in words if w in target_words]
        partial = len(words) >= 4 and len(kept) / len(words) >= 0.6
        # Language detection on the output only when it shares words with the source.
        if not partial and detect and len(target) >= 30 and translatable and len(kept) >= 2:
            found = detect(target)
            partial = bool(found and found[0] == source_lang and found[1] >= 0.9)
        if partial:
            flags.append(Flag("partial_translation", "part of the segment seems left in the source language",
                              detail={"source_words_kept": kept[:10]}))
    if len(source.strip()) >= 20 and target.strip():
        expected = EXPECTED_LENGTH_RATIO.get((source_lang, target_lang), 1.0)
        ratio = len(target.strip()) / len(source.strip()) / expected
        if not ratio_range[0] <= ratio <= ratio_range[1]:
            flags.append(Flag("length_ratio", f"translation is {ratio:.2f}x the expected length "
                                              f"(allowed {ratio_range[0]}-{ratio_range[1]})",
                              detail={"ratio": round(ratio, 2)}))
    if draft:
        flags.append(Flag("engine_draft", "written by a generative model: review before use"))
    if origin == "memory-fuzzy" and score is not None:
        if score >= 99:
            flags.append(Flag("placeable_match", f"memory match ({score:.0f}%) with numbers updated",
                              detail={"score": score}))
        else:
            flags.append(Flag("fuzzy_match", f"memory match at {score:.0f}%: check what differs from the stored sentence",
                              detail={"score": score}))
    return flags
