"""One KnowledgeBase per process and index (opening it loads the embedding model: do it once)."""
from __future__ import annotations

import threading

_kbs: dict[tuple, object] = {}
_lock = threading.Lock()


class KnowledgeBaseUnavailable(RuntimeError):
    pass


def get_knowledge_base(settings):
    key = (str(settings.data_dir.resolve()), getattr(settings, "chroma_url", None), getattr(settings, "collection", ""))
    with _lock:
        kb = _kbs.get(key)
        if kb is None:
            try:
                from ingest.kb import KnowledgeBase
            except ImportError as exc:
                raise KnowledgeBaseUnavailable(f"the knowledge base cannot be loaded: {exc}") from exc
            kb = _kbs[key] = KnowledgeBase(settings)
        return kb


def forget_knowledge_bases() -> None:
    """Close and drop cached instances (tests, re-ingest in the same process)."""
    with _lock:
        for kb in _kbs.values():
            close = getattr(kb, "close", None)
            if close:
                close()
        _kbs.clear()
    from assistant.retrieval import internal_cache, search_cache

    search_cache.clear()
    internal_cache.clear()
