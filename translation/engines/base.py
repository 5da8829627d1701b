"""The engine interface. An engine translates plain sentences in batches; the pipeline does the rest
(segmentation, memory, glossary, checks, formats)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class EngineInfo:
    name: str
    available: bool
    draft: bool
    pairs: list[tuple[str, str]]
    detail: str

    def to_public(self) -> dict:
        return {"name": self.name, "available": self.available, "draft": self.draft,
                "pairs": [f"{s}-{t}" for s, t in self.pairs], "detail": self.detail}


class Engine(ABC):
    name: str = "engine"
    # Output needs review before use (every segment is flagged `engine_draft`).
    draft: bool = False
    # How forced glossary terms reach the engine: "inline" (target term written into the source,
    # for engines that copy unknown words) or "prompt" (listed in the instructions).
    glossary_mode: str = "inline"

    @abstractmethod
    def pairs(self) -> list[tuple[str, str]]:
        """Language pairs this engine can translate now."""

    @abstractmethod
    def unsupported_reason(self, source: str, target: str) -> str | None:
        """None when the pair can be translated, else why not and what to do."""

    @abstractmethod
    def translate(self, texts: list[str], source: str, target: str,
                  hints: list[list[tuple[str, str]]] | None = None) -> list[str]:
        """Translate sentences (same order, same length). `hints[i]`: glossary pairs for text i."""

    @abstractmethod
    def info(self) -> EngineInfo:
        ...

    def label(self, source: str, target: str) -> str:
        return self.name
