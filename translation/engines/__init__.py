"""Translation engines behind one interface (`Engine`), chosen by name or automatically per pair."""
from __future__ import annotations

from translation.engines.base import Engine, EngineInfo

__all__ = ["Engine", "EngineInfo", "ENGINE_NAMES", "build_engine", "select_engine"]

ENGINE_NAMES = ("argos", "llm")


def build_engine(name: str, settings, *, chat_model=None) -> Engine:
    if name == "argos":
        from translation.engines.argos import ArgosEngine

        return ArgosEngine(settings)
    if name == "llm":
        from translation.engines.llm import LlmEngine

        return LlmEngine(settings, chat_model=chat_model)
    raise ValueError(f"unknown engine {name!r}; allowed: {', '.join(ENGINE_NAMES)} (or auto)")


def select_engine(name: str, settings, source: str, target: str, *, chat_model=None,
                  cache: dict | None = None) -> Engine:
    """The engine for a pair: the named one (error if it cannot do the pair), or with `auto` Argos when
    a package covers the pair (directly or through English), else the llm engine when allowed."""
    from translation.errors import NoEngine

    cache = cache if cache is not None else {}

    def get(engine_name: str) -> Engine:
        if engine_name not in cache:
            cache[engine_name] = build_engine(engine_name, settings, chat_model=chat_model)
        return cache[engine_name]

    if name not in ("auto", *ENGINE_NAMES):
        raise NoEngine(f"unknown engine {name!r}; allowed: auto, {', '.join(ENGINE_NAMES)}")
    candidates = [name] if name != "auto" else (
        ["argos", "llm"] if settings.translation_llm_fallback else ["argos"])
    reasons = []
    for candidate in candidates:
        engine = get(candidate)
        problem = engine.unsupported_reason(source, target)
        if problem is None:
            return engine
        reasons.append(f"{candidate}: {problem}")
    raise NoEngine(f"no engine can translate {source}->{target}: " + "; ".join(reasons))
