"""Figures of a French source sentence restated for a reader of another language: durations, amounts,
deadlines and their qualifiers ("trois ans, renouvelable une fois" -> "3 years; renewable once").
Only fixed patterns are translated, so a gloss never says more than the quote it follows."""
from __future__ import annotations

import re

from assistant.text import fold

_NUM = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
        "dix": 10, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30, "soixante": 60}
_UNITS = {
    "en": {"an": "year", "ans": "years", "annee": "year", "annees": "years", "mois": "months", "jour": "day",
           "jours": "days", "semaine": "week", "semaines": "weeks", "euros": "euros", "€": "euros"},
    "es": {"an": "año", "ans": "años", "annee": "año", "annees": "años", "mois": "meses", "jour": "día", "jours": "días",
           "semaine": "semana", "semaines": "semanas", "euros": "euros", "€": "euros"},
    "pt": {"an": "ano", "ans": "anos", "annee": "ano", "annees": "anos", "mois": "meses", "jour": "dia", "jours": "dias",
           "semaine": "semana", "semaines": "semanas", "euros": "euros", "€": "euros"},
    "de": {"an": "Jahr", "ans": "Jahre", "annee": "Jahr", "annees": "Jahre", "mois": "Monate", "jour": "Tag",
           "jours": "Tage", "semaine": "Woche", "semaines": "Wochen", "euros": "Euro", "€": "Euro"},
    "it": {"an": "anno", "ans": "anni", "annee": "anno", "annees": "anni", "mois": "mesi", "jour": "giorno",
           "jours": "giorni", "semaine": "settimana", "semaines": "settimane", "euros": "euro", "€": "euro"},
    # Abbreviated units where the plural depends on the number (Polish, Romanian, Arabic).
    "pl": {"an": "r.", "ans": "l.", "annee": "r.", "annees": "l.", "mois": "mies.", "jour": "dn.", "jours": "dn.",
           "semaine": "tyg.", "semaines": "tyg.", "euros": "EUR", "€": "EUR"},
    "ro": {"an": "an", "ans": "ani", "annee": "an", "annees": "ani", "mois": "luni", "jour": "zi", "jours": "zile",
           "semaine": "săptămână", "semaines": "săptămâni", "euros": "euro", "€": "euro"},
    "ar": {"an": "سنة", "ans": "سنوات", "annee": "سنة", "annees": "سنوات", "mois": "أشهر", "jour": "يوم", "jours": "أيام",
           "semaine": "أسبوع", "semaines": "أسابيع", "euros": "يورو", "€": "يورو"},
}
_QUALIFIERS = {
    "renouvelable une fois": {"en": "renewable once", "es": "renovable una vez", "pt": "renovável uma vez",
                              "de": "einmal verlängerbar", "it": "rinnovabile una volta", "pl": "odnawialne raz",
                              "ro": "reînnoibil o dată", "ar": "قابلة للتجديد مرة واحدة"},
    "au moins": {"en": "at least", "es": "al menos", "pt": "pelo menos", "de": "mindestens", "it": "almeno",
                 "pl": "co najmniej", "ro": "cel puțin", "ar": "على الأقل"},
    "au plus": {"en": "at most", "es": "como máximo", "pt": "no máximo", "de": "höchstens", "it": "al massimo",
                "pl": "najwyżej", "ro": "cel mult", "ar": "على الأكثر"},
    "maximum": {"en": "maximum", "es": "máximo", "pt": "máximo", "de": "höchstens", "it": "massimo", "pl": "maksymalnie",
                "ro": "maximum", "ar": "كحد أقصى"},
    "maximale": {"en": "maximum", "es": "máximo", "pt": "máximo", "de": "höchstens", "it": "massimo", "pl": "maksymalnie",
                 "ro": "maximum", "ar": "كحد أقصى"},
    "avant": {"en": "before", "es": "antes", "pt": "antes", "de": "vor", "it": "prima", "pl": "przed", "ro": "înainte",
              "ar": "قبل"},
    "sauf derogation": {"en": "unless an exception is granted", "es": "salvo excepción", "pt": "salvo derrogação",
                        "de": "außer bei Ausnahme", "it": "salvo deroga", "pl": "chyba że przyznano odstępstwo",
                        "ro": "cu excepția unei derogări", "ar": "ما لم يُمنح استثناء"},
}
_FIGURE = re.compile(r"\b(\d[\d\s.,]*\d|\d|" + "|".join(_NUM) + r")\s*(ans|an|annees|annee|mois|jours|jour|semaines|semaine|euros|€)(?![a-z])")


def gloss(sentence: str, language: str) -> str:
    """'' when the sentence has no figure or the language has no table."""
    units = _UNITS.get(language)
    if not units:
        return ""
    folded = fold(sentence)
    parts: list[str] = []
    for m in _FIGURE.finditer(folded):
        raw, unit = m.group(1), m.group(2)
        value = str(_NUM[raw]) if raw in _NUM else re.sub(r"\s", "", raw)
        window = folded[max(0, m.start() - 25): m.end() + 40]
        quals = [q[language] for key, q in _QUALIFIERS.items() if key in window]
        before = [q for q in quals if q in (_QUALIFIERS["au moins"][language], _QUALIFIERS["au plus"][language],
                                            _QUALIFIERS["maximum"][language])]
        after = [q for q in quals if q not in before]
        text = " ".join(dict.fromkeys(before)) + (" " if before else "") + f"{value} {units[unit]}"
        if after:
            text += ", " + ", ".join(dict.fromkeys(after))
        if text not in parts:
            parts.append(text)
    return "; ".join(parts[:3])
