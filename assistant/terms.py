"""Language-agnostic lexical matching between questions and source sentences: folded tokens cut to a
6-character prefix (a crude stem that also matches French/English cognates: détachement/detached,
remboursement/remboursé, pension/pensions; 5 was too loose: passeport/passer), stop words and chat filler removed, numbers and legal
codes (L761-2, A1, S1, 883/2004) kept whole."""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from assistant.text import fold

_STOP = frozenset("""
a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur leurs lui ma mais me meme
mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
c d j l m n s t y est sont suis es etre ete etait avoir ai as avons avez ont a eu fait faire faut peut peuvent puis
si plus tout tous toute toutes comme dont donc quel quelle quels quelles quoi comment combien pourquoi quand ou
oui non ca cela ceci celui celle alors aussi bien tres trop deja encore ici voila chez moins
the an and are is was were be been i you he she we they it its this that these those for in on at by with of to
from as or not no yes can could would should will do does did have has had my your our their me him her them what
which who whom how when where why there here about into than then so if also any some such other only
el los las una unos unas y es son soy yo mi mis tu su sus para por con sin que como cual cuanto donde cuando del al lo le
o os um uma e sou eu meu minha seu sua para com sem que qual quanto onde quando do da dos das ao no na nos nas
der die das ein eine und ist bin ich du er sie wir ihr fur mit von zu im am auf bei wie was wann wo
il lo gli uno una e sono io mio mia per con che come quanto dove quando del della dei al nel
vrai exactement c'est bosse boite mec truc ok svp stp merci bonjour hello hi please thanks dois doit
veux voudrais pourrais savoir dire demande question questions quelqu quelque chose
""".split())
_TOKEN = re.compile(r"[lrd]\d{3,4}(?:-\d+)+|[a-z]{1,3}\d{1,6}[a-z]?|\d{1,4}/\d{2,4}|\d+(?:[.,]\d+)?|[a-z][a-z'\-]*[a-z]|[a-z]")


def _norm(token: str) -> str | None:
    token = token.strip("'-")
    if not token or token in _STOP:
        return None
    if token[0].isdigit() or any(ch.isdigit() for ch in token):
        return token.replace(",", ".")
    if "'" in token:  # l'employeur -> employeur
        token = token.split("'")[-1]
        if not token or token in _STOP:
            return None
    if len(token) < 3:
        return None
    return token[:6]


def terms(text: str) -> list[str]:
    """Normalised content terms of `text`, in order (duplicates kept)."""
    folded = fold(text)
    folded = re.sub(r"\b([lrd])\.?\s?(\d{3,4}(?:-\d+)+)", r"\1\2", folded)  # "L. 761-2" -> "l761-2"
    out = []
    for m in _TOKEN.finditer(folded):
        t = _norm(m.group(0))
        if t:
            out.append(t)
    return out


def term_set(text: str) -> frozenset[str]:
    # Cached: the same passages come back for many questions (immutable result, safe to share);
    # very long texts (a pasted document) are not kept.
    return _cached_term_set(text) if len(text) <= _CACHE_MAX_CHARS else frozenset(terms(text))


_CACHE_MAX_CHARS = 5000


@lru_cache(maxsize=16384)
def _cached_term_set(text: str) -> frozenset[str]:
    return frozenset(terms(text))


class TermWeights:
    """IDF of terms over the candidate sentences of one question (terms the candidates lack weigh most)."""

    def __init__(self, sentence_term_sets: list[frozenset[str]]) -> None:
        self.n = max(1, len(sentence_term_sets))
        self.df: Counter[str] = Counter()
        for s in sentence_term_sets:
            self.df.update(s)

    def idf(self, term: str) -> float:
        return math.log(1.0 + self.n / (1.0 + self.df.get(term, 0)))


def coverage(query_terms: frozenset[str], text_terms: frozenset[str], weights: TermWeights) -> float:
    """Share (IDF-weighted) of the query's terms present in the text, 0..1."""
    if not query_terms:
        return 0.0
    total = sum(weights.idf(t) for t in query_terms)
    hit = sum(weights.idf(t) for t in query_terms if t in text_terms)
    return hit / total if total else 0.0
