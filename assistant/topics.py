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


# Words that place a question in the centre's field even when no topic above matches.
_DOMAIN = ("secu", "securite sociale", "social security", "seguridad social", "seguranca social", "sicurezza sociale",
           "sozialversicherung", "assurance", "cotis", "affili", "urssaf", "cpam", "cnav", "caisse", "regime",
           "convention", "accord", "agreement", "reglement", "regulation", "etranger", "abroad", "expatri",
           "frontalier", "cross-border", "travailleur", "worker", "salarie", "employeur", "employer", "prestation",
           "benefit", "indemnit", "invalidit", "chomage", "unemployment", "maternit")


def _pattern(key: str) -> str:
    if len(key) <= 3:
        return rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])"
    return rf"(?<![a-z0-9]){re.escape(key)}"  # at a word start


def _any_of(keys: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(_pattern(k) for k in keys))


# One compiled alternation per topic (this runs for every question, several times).
_TOPIC_RES = tuple((name, _any_of(keys)) for name, keys in TOPICS)
_DOMAIN_RE = _any_of(_DOMAIN)


def topic_of(question: str) -> str:
    text = " " + fold(question) + " "
    for name, pattern in _TOPIC_RES:
        if pattern.search(text):
            return name
    return "other"


def in_domain(question: str, language: str = "fr") -> bool:
    """Does the question belong to international social security at all? (topic, field words, or a
    foreign place: France counts as foreign for a question written in another language)."""
    from assistant.places import places_in

    if topic_of(question) != "other":
        return True
    text = " " + fold(question) + " "
    if _DOMAIN_RE.search(text):
        return True
    places = places_in(question)
    return any(c != "FR" for c in places) or (bool(places) and language != "fr")
