"""Which way a posting or move goes: from France abroad ("out") or from abroad into France ("in").

The same words serve both ("détaché", "affilié", "France"), so embeddings and BM25 rank a sheet on
workers posted *into* France first for "je suis détaché en Allemagne", and the reverse. The question's
destination is the place named right after a verb of moving or working ("détaché en Allemagne",
"m'envoie 6 mois en Espagne", "venir travailler en France"); a text's direction is read from its title.
Only a clear disagreement between the two demotes a passage; unknown stays neutral.
"""
from __future__ import annotations

import re

from assistant.places import places_in
from assistant.text import fold

OUT, IN = "out", "in"

_MOVE = (r"(?:detache|detachee|detaches|detachees|envoie|envoient|envoye|envoyee|mute|mutee|pars|part|partir"
         r"|travailler|travaille|travaillerai|aller|vais|venir|viens|vient|arrive|installe|expatrie|expatriee"
         r"|posted|sent|sends|moving|move|work|working|go|going"
         r"|manda|envia|destaca|destacar|destacar-me|destacado|distacca|distaccato|entsendet|entsandt|schickt)")
_DESTINATION = re.compile(_MOVE + r"\b[^.?!;]{0,40}?\b(?:en|au|aux|a|dans|to|in|para|nach)\s+((?:la |le |les |l')?[a-z][a-z'\- ]{1,30})")
_FROM_ABROAD = re.compile(r"\b(?:entreprise|employeur|societe|company|employer)\s+(?:etranger|etrangere|foreign)\b"
                          r"|\bvenant d|\bcoming from\b")

_TITLE_IN = re.compile(r"\ben france\b.*\b(?:etranger|etrangere|etrangers|venant|foreign)\b"
                       r"|\b(?:into|in) france\b|\bimpatri|\bvenir travailler en france\b|\bdetaches? en france\b")
_TITLE_OUT = re.compile(r"\ba l'etranger\b|\bhors de france\b|\bdetachement hors\b|\bautre etat\b|\bexpatri|\babroad\b"
                        r"|\bfrom france\b|\bdepuis la france\b")


def question_direction(question: str) -> str | None:
    folded = fold(question)
    for m in _DESTINATION.finditer(folded):
        codes = places_in(m.group(1))
        if codes:
            return IN if codes[0] == "FR" else OUT
    if _FROM_ABROAD.search(folded) and "france" in folded:
        return IN
    return None


def text_direction(title: str) -> str | None:
    folded = fold(title)
    inbound, outbound = bool(_TITLE_IN.search(folded)), bool(_TITLE_OUT.search(folded))
    if inbound == outbound:
        return None
    return IN if inbound else OUT
