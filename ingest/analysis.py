"""French/English lexical analyser for the BM25 index.

Case and accent folding, light (Snowball) stemming, stop words removed, and legal tokens kept whole:
code articles (L761-2, R767-2, D767-1, L1262-4, also written "L. 761-2"), act numbers (883/2004,
2011/24, 96/71), form and fiche codes (A1, S1, E106, F3155).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_STOP_FR = """au aux avec ce ces dans de des du elle en et eux il ils je la le les leur leurs lui ma mais me meme mes
moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
c d j l a m n s t y ete etee etees etes etant suis es est sommes etes sont serai sera seront serait etais etait
ai as avons avez ont aurai aura avait eu cet cette ceci cela ca si plus tout tous toute toutes comme dont donc
est-ce quel quelle quels quelles quoi comment combien""".split()
_STOP_EN = """a an and are as at be by for from has have he her his i in is it its of on or our she that the their
them they this to was were will with you your we do does did can could would should what which who whom how""".split()
STOP_WORDS = frozenset(_STOP_FR) | frozenset(_STOP_EN)

# Order matters: the legal forms are tried before plain words and numbers.
_TOKEN = re.compile(
    r"""
    (?P<code>\b[lrd](?:\.\s?|\s)?\d{3,4}(?:-\d+){1,3}\b)      # L761-2, R. 767-2, L 1262-4
  | (?P<act>\b\d{1,4}/\d{2,4}\b)                            # 883/2004, 2011/24, 96/71
  | (?P<alnum>\b[a-z]{1,3}\d{1,6}[a-z]?\b)                  # a1, s1, e106, f3155, u1
  | (?P<num>\b\d+(?:[.,]\d+)?\b)                            # numbers
  | (?P<word>[a-z]+)                                        # words
    """,
    re.VERBOSE,
)


def fold(text: str) -> str:
    """Lower-case and strip accents (é->e, œ->oe)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4)
def _stemmer(language: str):
    import Stemmer  # PyStemmer (Snowball, C)

    return Stemmer.Stemmer(language)


_STEM_LANG = {"fr": "french", "en": "english"}


def _raw_tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(fold(text)):
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "code":
            tok = re.sub(r"[.\s]", "", tok)
        out.append((kind, tok))
    return out


def analyze(text: str, language: str = "fr") -> list[str]:
    """Tokens for indexing a document written in `language`."""
    stem_lang = _STEM_LANG.get(language)
    stemmer = _stemmer(stem_lang) if stem_lang else None
    out: list[str] = []
    for kind, tok in _raw_tokens(text):
        if kind == "word":
            if tok in STOP_WORDS or len(tok) < 2:
                continue
            if stemmer and len(tok) > 3:
                tok = stemmer.stemWord(tok)
        out.append(tok)
    return out


def analyze_query(text: str) -> list[str]:
    """Query tokens: each word stemmed as French and as English (the question's language is not
    trusted), duplicates removed, order kept."""
    seen: dict[str, None] = {}
    fr, en = _stemmer("french"), _stemmer("english")
    for kind, tok in _raw_tokens(text):
        if kind == "word":
            if tok in STOP_WORDS or len(tok) < 2:
                continue
            if len(tok) > 3:
                seen.setdefault(fr.stemWord(tok))
                seen.setdefault(en.stemWord(tok))
                continue
        seen.setdefault(tok)
    return list(seen)


def legal_tokens(text: str) -> list[str]:
    """The legal references of a query (code articles, act numbers, form/fiche codes), normalised
    like the index does, upper-cased for display (L761-2, 883/2004, S1, F3155)."""
    return [tok.upper() for kind, tok in _raw_tokens(text) if kind in ("code", "act", "alnum")]
