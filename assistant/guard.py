"""Guard: user input and document text are data, never instructions.

- `screen_question` classifies a question: requests to forge documents or to disclose a third
  person's personal data are refused; instruction-like sentences ("ignore your instructions", "you
  are now ...") are removed before retrieval and answering, and only what remains is answered.
- `drop_instructions` removes instruction-like sentences from retrieved passages before any engine
  sees them (a hostile document cannot steer the answer).
- `scrub_contacts` removes URLs, phone numbers and e-mail addresses that appear neither in the cited
  sources nor in the configured allow-list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.text import fold

# Instruction-override patterns (folded text), several languages.
_INJECTION = [
    r"\b(ignore|disregard|forget|oublie[zs]?|ignore[zs]?|olvida|ignora|vergiss|ignoriere)\b.{0,40}\b(instruction|regle|rule|consigne|prompt|instrucciones|regole|regeln|anweisung|previous|precedent|above|tout)",
    r"\b(tu es|vous etes|you are|eres|du bist|sei)\s+(maintenant|desormais|now|ahora|jetzt|ora)\b",
    r"\b(act as|agis comme|fais semblant|pretend to be|jailbreak|developer mode|mode developpeur|dan mode)\b",
    r"\b(system prompt|prompt systeme|invite systeme|reveal your prompt|montre (moi )?ton prompt)\b",
    r"\bnouvelles? (instructions?|regles?)\b|\bnew instructions?\b",
]
_INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in _INJECTION))

# Requests to produce false documents (fraud).
_FRAUD_RE = re.compile(
    r"\b(faux|fausse|falsifi|contrefa|fake|forge[ds]?|forgery|counterfeit|falso|falsa|gefalscht)\w*\b.{0,60}"
    r"\b(certificat|certificate|attestation|formulaire|form|document|a1|s1|e101|carte|card|fiche de paie|payslip|documento)"
    r"|\b(redige|rediger|genere|generate|write|make|fabrique)\w*\b.{0,40}\b(faux|fausse|fake|forged)\b")

# Requests for a named third person's identifiers or records.
_PERSONAL_RE = re.compile(
    r"\b(numero de securite sociale|numero de secu|n° de secu|nir|social security number|iban|adresse|address|"
    r"dossier|donnees personnelles|personal data|date de naissance|telephone|phone number)\b.{0,30}"
    r"\b(de|of|du|d')\s*(m\.|mme|monsieur|madame|mr|mrs|ms|mon|ma|my)?\s*[a-z\-]{2,}")
_DISCLOSE_RE = re.compile(r"\b(donne|give|send|envoie|communique|trouve|find|cherche|look up|show|montre|affiche|dis-moi|tell me)")


_HUMAN_RE = re.compile(
    r"\b(parler|discuter|echanger|etre (mis en relation|rappele)|contacter|joindre|talk|speak|chat|hablar|falar|sprechen|parlare)"
    r"\b.{0,30}\b(conseiller|conseillere|humain|personne|agent|quelqu'un|human|person|advisor|adviser|someone|"
    r"asesor|persona|pessoa|mensch|berater|persona|consulente|operateur|operator)\b")


def wants_human(question: str) -> bool:
    """The user asks to be put in touch with a person."""
    return bool(_HUMAN_RE.search(fold(question)))


@dataclass
class Screening:
    question: str                 # what is left to answer (instructions removed)
    injection: bool = False
    refuse: str | None = None     # "fraud" | "personal_data" | "injection" | None
    removed: list[str] = field(default_factory=list)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:;])\s+|\n+", text) if s.strip()]


def is_instruction(sentence: str) -> bool:
    return bool(_INJECTION_RE.search(fold(sentence)))


def screen_question(question: str) -> Screening:
    folded = fold(question)
    if _FRAUD_RE.search(folded):
        return Screening(question="", injection=bool(_INJECTION_RE.search(folded)), refuse="fraud")
    if _PERSONAL_RE.search(folded) and _DISCLOSE_RE.search(folded):
        return Screening(question="", injection=bool(_INJECTION_RE.search(folded)), refuse="personal_data")
    kept, removed = [], []
    for sentence in _sentences(question):
        (removed if is_instruction(sentence) else kept).append(sentence)
    rest = " ".join(kept).strip()
    if removed and len(fold(rest).split()) < 2:
        return Screening(question="", injection=True, refuse="injection", removed=removed)
    return Screening(question=rest, injection=bool(removed), removed=removed)


@lru_cache(maxsize=8192)
def drop_instructions(passage: str) -> str:
    """The passage without sentences that address the assistant as instructions."""
    if not _INJECTION_RE.search(fold(passage)):
        return passage
    return " ".join(s for s in _sentences(passage) if not is_instruction(s))


_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"(?<![\w/.,])(?:\+\d{1,3}[ .\-]?)?(?:\(0\)[ .\-]?)?0?\d(?:[ .\-]?\d{2}){4}(?![\w/])")


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def scrub_contacts(answer: str, sources: list[str], allowed_urls: list[str] = (), allowed_phones: list[str] = (),
                   allowed_emails: list[str] = ()) -> str:
    """Remove URLs / e-mails / phones from `answer` unless a source text contains them or they are
    allow-listed (URLs by prefix)."""
    corpus = "\n".join(sources)
    corpus_digits = {_digits(m.group(0)) for m in _PHONE_RE.finditer(corpus)}
    corpus_emails = {m.group(0).lower() for m in _EMAIL_RE.finditer(corpus)}
    ok_phones = corpus_digits | {_digits(p) for p in allowed_phones}
    ok_emails = corpus_emails | {e.lower() for e in allowed_emails}

    def url(m: re.Match) -> str:
        u = m.group(0).rstrip(".,;:")
        tail = m.group(0)[len(u):]
        if u in corpus or any(u.lower().startswith(p.lower()) for p in allowed_urls):
            return m.group(0)
        return "[lien retiré]" + tail

    answer = _EMAIL_RE.sub(lambda m: m.group(0) if m.group(0).lower() in ok_emails else "[adresse retirée]", answer)
    answer = _URL_RE.sub(url, answer)
    answer = _PHONE_RE.sub(lambda m: m.group(0) if _digits(m.group(0)) in ok_phones else "[numéro retiré]", answer)
    return answer
