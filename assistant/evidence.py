"""Is there enough evidence to answer? Two kinds of checks, both explainable:

1. Anchors: what the question names must be what the passages are about. A question on a given
   article of a given instrument needs that instrument's text (not a text that only cites it); a
   question on the agreement with a country needs that agreement; a question on a French territory
   needs a text about that territory; a year named in the question must appear in the sources.
2. Coverage: the IDF-weighted share of the question's content terms found in the best passages
   (terms no candidate contains weigh most). Below `abstention_threshold` the assistant abstains;
   the threshold is calibrated by `python -m evals.answers --calibrate` (see evals/answers.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.glossary import french_terms
from assistant.places import TERRITORIES, mentions_place, place_names, places_in
from assistant.retrieval import Passage
from assistant.terms import TermWeights, term_set
from assistant.text import fold, split_sentences

_ARTICLE_OF_INSTRUMENT = re.compile(
    r"\b(?:article|art\.?|artikel|articulo|artigo|articolo)\s+(\d+[a-z]*|premier|first)\b[^?.]{0,40}?"
    r"\b(?:reglement|regulation|directive|convention|accord|agreement|decret|reglamento|verordnung|regolamento|regulamento)\b"
    r"[^?.]{0,25}?(\d{1,4}/\d{2,4}|\d{2,4}-\d{2,4})")
_INSTRUMENT_ARTICLE = re.compile(
    r"\b(?:reglement|regulation|directive|reglamento|verordnung|regolamento|regulamento)\b[^?.]{0,20}?(\d{1,4}/\d{2,4})"
    r"[^?.]{0,30}?\b(?:article|art\.?|artikel|articulo|artigo|articolo)\s+(\d+[a-z]*)")
_AGREEMENT = re.compile(r"\b(convention|accord|agreement|convenio|abkommen|accordo|acordo|traite|treaty)\b")
_EXISTENCE = re.compile(r"\b(y a-t-il|existe-t-il|existe|is there|are there|does france have|avec quels pays|which countries|"
                        r"quels pays|liste des pays|list of countries|hay)\b")
_CODE_ARTICLE = re.compile(r"\b([lrd])\.?\s?(\d{3,4}(?:-\d+)+)\b")
_YEAR = re.compile(r"\b(20[0-4]\d|19[5-9]\d)\b")
_AGREEMENT_TYPES = {"bilateral_agreement", "territorial_agreement", "multilateral_convention"}


@dataclass
class Evidence:
    score: float                       # coverage of the question by the best passages, 0..1
    missing: list[tuple[str, str]] = field(default_factory=list)  # (kind, value) of anchors not found
    query_terms: frozenset[str] = frozenset()
    weights: TermWeights | None = None
    concepts: list = field(default_factory=list)
    out_of_domain: bool = False

    @property
    def anchored(self) -> bool:
        return not self.missing


def _about(passage: Passage) -> str:
    m = passage.meta
    return fold(" ".join(str(m.get(k, "")) for k in ("title", "hierarchy", "path", "ref")))


def _has_country(passage: Passage, code: str) -> bool:
    return f"|{code}|" in str(passage.meta.get("countries", "")) or passage.meta.get(f"country_{code}") is True


def missing_anchors(question: str, passages: list[Passage]) -> list[tuple[str, str]]:
    folded = fold(question)
    missing: list[tuple[str, str]] = []

    m = _ARTICLE_OF_INSTRUMENT.search(folded)
    article = instrument = None
    if m:
        article, instrument = m.group(1), m.group(2)
    else:
        m2 = _INSTRUMENT_ARTICLE.search(folded)
        if m2:
            instrument, article = m2.group(1), m2.group(2)
    if instrument:
        number = "1" if article in ("premier", "first") else article
        ok = any(instrument in _about(p) and re.search(rf"\barticle\s+({re.escape(number)}|premier)\b", fold(p.ref + " " + p.title))
                 for p in passages)
        if not ok:
            missing.append(("article", f"{article}:{instrument}"))

    codes = {f"{c}{n}" for c, n in _CODE_ARTICLE.findall(folded)}
    if codes and not any(fold(p.ref).replace(" ", "") in codes or any(c in fold(p.text) for c in codes) for p in passages):
        missing.append(("code_article", ",".join(sorted(codes))))

    places = [c for c in places_in(question) if c != "FR"]
    if _AGREEMENT.search(folded) and places and not _EXISTENCE.search(folded):
        for code in places:
            if not any(p.meta.get("instrument_type") in _AGREEMENT_TYPES and (_has_country(p, code) or any(
                    n in _about(p) for n in place_names(code))) for p in passages):
                missing.append(("agreement", code))
    for code in places:
        if code in TERRITORIES and not any(_has_country(p, code) or mentions_place(p.text + " " + p.title, code)
                                           for p in passages):
            missing.append(("territory", code))

    for year in set(_YEAR.findall(folded)):
        y = int(year)
        in_dates = any(int(p.meta.get(k, 0) or 0) // 10000 == y for p in passages for k in ("version_date", "valid_from"))
        if not in_dates and not any(year in p.text for p in passages):
            missing.append(("year", year))
    return missing


def concepts(question: str) -> list[frozenset[str]]:
    """The question's content as alternatives: each word with the source terms that may express it
    (glossary), place names left out (places are checked as anchors)."""
    from assistant.glossary import expansions
    from assistant.places import remove_places

    text = remove_places(question)
    out: list[frozenset[str]] = []
    covered: set[str] = set()
    for phrase, french in expansions(text).items():
        words = term_set(phrase)
        covered |= words
        out.append(frozenset(words | term_set(" ".join(french))))
    for term in dict.fromkeys(t for t in term_set(text) if t not in covered):
        out.append(frozenset({term}))
    return out


def concept_coverage(items: list[frozenset[str]], text_terms: frozenset[str], weights: TermWeights) -> float:
    """IDF-weighted share of concepts expressed in the text (a concept weighs its rarest form, capped)."""
    if not items:
        return 0.0
    cap = weights.idf("\x00never") * 0.8
    total = hit = 0.0
    for alternatives in items:
        w = min(cap, max(weights.idf(t) for t in alternatives))
        total += w
        if alternatives & text_terms:
            hit += w
    return hit / total if total else 0.0


def assess(question: str, passages: list[Passage], language: str = "fr", top: int = 3) -> Evidence:
    """Evidence for answering `question` from `passages` (best first)."""
    query_terms = term_set(question + " " + " ".join(french_terms(question)))
    sentence_sets = [term_set(s) for p in passages for s in split_sentences(p.text)]
    weights = TermWeights(sentence_sets)
    best = passages[:top]
    union = frozenset().union(*(term_set(p.text + " " + p.title) for p in best)) if best else frozenset()
    items = concepts(question)
    score = concept_coverage(items, union, weights) if best else 0.0
    return Evidence(score=round(score, 4), missing=missing_anchors(question, passages[:max(top, 5)]),
                    query_terms=query_terms, weights=weights, concepts=items)
