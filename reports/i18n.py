"""The report's editions: French (default) and English. Numbers, percentages, dates and country names come
from Babel (CLDR data), so each edition follows its own conventions: "2 287,1 M€", "+4,2 %", "31 mars 2026"
in French; "€2,287.1m", "+4.2%", "31 March 2026" in English.

Babel is imported lazily (the CLI imports `reports` at start-up).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
DASH = "\u2013"
MILLION = Decimal(10) ** 6


def check_lang(lang: str | None) -> str:
    lang = (lang or DEFAULT_LANG).strip().lower()
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; allowed: {', '.join(LANGS)}")
    return lang


@lru_cache(maxsize=4)
def _locale(lang: str):
    from babel import Locale

    return Locale.parse(lang)


def _one_decimal(pattern: str) -> str:
    """The locale's pattern with one decimal ('#,##0\u00a0%' -> '#,##0.0\u00a0%')."""
    head, _, tail = pattern.rpartition("0")
    return f"{head}0.0{tail}"


class Formatter:
    """Every figure, date and name printed in one edition."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.locale = _locale(self.lang)
        self._percent = _one_decimal(self.locale.percent_formats[None].pattern)
        # The unit after a number: a no-break space in French ("12,5 M€"), none in English ("€12.5m").
        self.meur_unit = "M€" if self.lang == "fr" else "€ m"

    def t(self, fr: str, en: str) -> str:
        return fr if self.lang == "fr" else en

    # --- numbers ---
    def count(self, value) -> str:
        if value is None:
            return DASH
        from babel.numbers import format_decimal

        return format_decimal(int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)), locale=self.locale)

    def number(self, value, decimals: int = 0) -> str:
        if value is None:
            return DASH
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(Decimal(str(value)), format=pattern, locale=self.locale)

    def meur(self, value) -> str:
        """An amount in millions of euros, one decimal, without the unit (tables say M€ in the header)."""
        if value is None:
            return DASH
        return self.number(Decimal(value) / MILLION, 1)

    def meur_text(self, value) -> str:
        """An amount in millions of euros with its unit, for running text: '2 287,1 M€' / '€2,287.1m'."""
        if value is None:
            return DASH
        figure = self.meur(value)
        return f"{figure}\u00a0M€" if self.lang == "fr" else f"€{figure}m"

    def value(self, value, unit: str) -> str:
        return self.meur(value) if unit == "EUR" else self.count(value)

    def percent(self, ratio) -> str:
        from babel.numbers import format_percent

        return format_percent(Decimal(str(ratio)), format=self._percent, locale=self.locale)

    def share(self, part, whole) -> str:
        if not whole or part is None:
            return DASH
        return self.percent(Decimal(str(part)) / Decimal(str(whole)))

    def change(self, current, previous) -> str:
        """Relative change from the previous year: '+4,2 %', 'nouveau' (zero before), 'n.d.' (no figure for the
        previous year) or '–' (nothing either year)."""
        if current is None and previous is None:
            return DASH
        if previous is None:
            return self.t("n.d.", "n/a")
        current, previous = Decimal(str(current or 0)), Decimal(str(previous or 0))
        if previous == 0:
            return self.t("nouveau", "new") if current > 0 else DASH
        ratio = ((current - previous) / previous).quantize(Decimal("0.001"), ROUND_HALF_UP)
        text = self.percent(ratio)
        return ("+" + text) if ratio > 0 else text

    # --- dates and names ---
    def date(self, value) -> str:
        from babel.dates import format_date

        return format_date(value, "long" if self.lang == "fr" else "d MMMM y", locale=self.locale)

    def country(self, code: str) -> str:
        if code == "CA-QC":
            return self.t("Québec", "Quebec")
        name = self.locale.territories.get(code)
        if name:
            return name
        from reports.catalogue import country_name

        return country_name(code)

    def partner_label(self, code: str) -> str:
        return f"{self.country(code)} ({code})"

    def language(self, code: str) -> str:
        name = self.locale.languages.get(code)
        return name[:1].upper() + name[1:] if name else code

    def plural(self, n: int, one: str, many: str) -> str:
        """'1 retour', '2 retours' (French uses the singular for 0 and 1, English only for 1)."""
        singular = n in (0, 1) if self.lang == "fr" else n == 1
        return f"{self.count(n)} {one if singular else many}"
