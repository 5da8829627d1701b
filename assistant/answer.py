"""What the answer engines consume and produce."""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.evidence import Evidence
from assistant.language import LanguageGuess
from assistant.retrieval import Passage


@dataclass
class AnswerContext:
    question: str                    # the user's question (instructions removed)
    query: str                       # resolved against the conversation (used for retrieval/selection)
    language: LanguageGuess
    passages: list[Passage]
    evidence: Evidence
    settings: object
    route_passages: dict[str, list[Passage]] = field(default_factory=dict)  # e.g. healthcare routes
    regime_terms: frozenset[str] = frozenset()  # terms of the regime the places imply (EU rules / outside EU)


@dataclass
class Cited:
    n: int
    passage: Passage
    quotes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """An answer before logging: plain text with [n] markers and the passages they point to."""

    text: str
    cited: list[Cited]
    abstained: bool = False
    engine: str = "extractive"
    notices: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)   # pieces of `text`, for streaming
    refused: bool = False
    handover_suggested: bool = False
    info: dict = field(default_factory=dict)            # fallback reason, timings ...
