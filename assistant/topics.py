"""Coarse topic of a question, for statistics (by_topic) and routing. Keyword rules on the folded
text (French, English and the other languages' most common words); the first matching topic wins,
ordered from most to least specific."""
from __future__ import annotations

import re

from assistant.text import fold

TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cross_border_healthcare", ("2011/24", "directive", "soins transfrontal", "cross-border health",
                                 "cross border health", "autorisation prealable", "prior authori", "point de contact")),
    ("healthcare_abroad", ("ceam", "ehic", "carte europeenne", "european health", "tarjeta sanitaria",
                           "soins", "sante", "malad", "hopital", "hospital", "health", "medical", "medec", "doctor",
                           "rembours", "refund", "s1", "s2", "e106", "cuidados", "saude", "salud", "gesundheit")),
    ("territories", ("caledon", "polynes", "mayotte", "wallis", "saint-pierre", "miquelon", "cafat", "outre-mer")),
    ("impatriates", ("impatri", "l767-2", "d767-1", "opt out of french pension")),
    ("posting", ("detach", "posted", "posting", "a1", "destac", "entsend", "distacc", "sipsi", "l761", "r761",
                 "l1262", "maintien")),
    ("expatriation", ("expatri", "cfe", "caisse des francais", "contrat local", "local contract", "l762", "l766")),
    ("pensions", ("retraite", "pension", "vieillesse", "old-age", "jubilacion", "rente", "reforma")),
    ("family_benefits", ("allocation", "familial", "enfant", "child", "family")),
    ("foreign_systems", ("irlande", "ireland", "irish", "citizens information", "social welfare")),
    ("cleiss", ("cleiss", "organisme de liaison", "liaison body")),
)
TOPIC_NAMES = tuple(name for name, _ in TOPICS) + ("other",)


def topic_of(question: str) -> str:
    text = " " + fold(question) + " "
    for name, keys in TOPICS:
        for key in keys:
            if len(key) <= 3:
                if re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", text):
                    return name
            elif key in text:
                return name
    return "other"
