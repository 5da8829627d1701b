"""Follow-up questions resolved against the conversation: "et pour la Polynésie ?" after a question
on posting to New Caledonia becomes that question with the place swapped, so retrieval sees a
complete question. Rules (deterministic): a turn is a follow-up when it opens with a connector
("et pour", "and what about", "y para"...), or is very short with no subject of its own, or leans on
a pronoun ("ça", "that", "dans ce cas"). Its place names replace the previous ones."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.places import places_in, remove_places
from assistant.text import fold
from assistant.topics import topic_of

_CONNECTOR = re.compile(
    r"^\s*(et|and|y|e|und|ou|or|o|mais|but|pero|ma|aber|what about|how about|same|idem|pareil|meme chose|"
    r"et si|and if|also|aussi|egalement|tambien|anche|auch|dans ce cas|in that case|in this case|en ese caso|"
    r"neste caso|in diesem fall|in questo caso|sinon|otherwise)\b")
_ANAPHORA = re.compile(r"\b(ca|cela|celui-ci|celle-ci|ce cas|it|that|this|those|them|la meme|le meme|les memes|"
                       r"eso|esto|isso|das|dies|questo|cio)\b")
_CONTENT = re.compile(r"[a-z0-9]{3,}")
_FILLER = frozenset("pour dans avec quoi quel quelle comment combien what about how much many with from pour les des "
                    "une the and que qui est sont para por como cual wie was per come".split())


@dataclass(frozen=True)
class Resolution:
    query: str               # what retrieval and answering use
    followup: bool
    previous: str | None = None


def _content_words(text: str) -> list[str]:
    return [w for w in _CONTENT.findall(fold(text)) if w not in _FILLER]


def is_followup(question: str) -> bool:
    folded = fold(question)
    words = _content_words(question)
    if _CONNECTOR.match(folded) and len(words) <= 8:
        return True
    if len(words) <= 3 and places_in(question) and topic_of(question) in ("other", "territories"):
        return True
    return bool(_ANAPHORA.search(folded)) and len(words) <= 6


def strip_connector(question: str) -> str:
    return _CONNECTOR.sub("", question, count=1).strip(" ,;:-") if _CONNECTOR.match(fold(question)) else question


def resolve(question: str, previous_queries: list[str]) -> Resolution:
    """Resolve `question` against the previous (already resolved) queries of the conversation."""
    previous = next((q for q in reversed(previous_queries) if q and q.strip()), None)
    if not previous or not is_followup(question):
        return Resolution(question, False)
    tail = strip_connector(question)
    base = remove_places(previous) if places_in(tail) and places_in(previous) else previous
    base = base.rstrip(" ?")[-1500:]
    # Keep the previous question first: it carries the subject; the follow-up adds or swaps details.
    return Resolution(f"{base} {tail}".strip(), True, previous)


def resolve_history(question: str, history_user_turns: list[str]) -> Resolution:
    """Resolve a question against raw user turns (client-sent history): each turn is resolved in turn."""
    resolved: list[str] = []
    for turn in history_user_turns:
        resolved.append(resolve(turn, resolved).query)
    return resolve(question, resolved)
