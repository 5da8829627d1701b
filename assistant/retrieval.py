"""Conversation-level retrieval over the knowledge base: the (resolved) question, French glossary terms
for foreign-language questions, routing by the places it names (a second search restricted to texts
about that country/territory, fused by rank), and a short-lived result cache."""
from __future__ import annotations

import json
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from assistant.direction import question_direction, text_direction
from assistant.glossary import french_terms
from assistant.guard import drop_instructions
from assistant.places import EU_EEA_CH, TERRITORIES, places_in

# Places not used for routing: France is in almost every text.
_NO_ROUTE = {"FR"}
_RRF_K = 20
OTHER_DIRECTION, OTHER_PLACE = "other-direction", "other-place"  # route labels of demoted passages
_MISMATCH = 0.75  # a passage about another situation drops ~5 ranks (RRF scale), not out of sight
_MAX_QUERY = 3900  # the knowledge base refuses queries above 4000 characters


@dataclass
class Passage:
    """A retrieved unit (its best chunk), ready to be quoted."""

    hit: Any                      # ingest.types.Hit
    rank: int
    text: str                     # chunk text with instruction-like sentences removed
    fused: float = 0.0
    routes: list[str] = field(default_factory=list)

    @property
    def meta(self) -> dict:
        return self.hit.metadata

    @property
    def path(self) -> str:
        return self.meta.get("path", "")

    @property
    def ref(self) -> str:
        return self.meta.get("ref", "")

    @property
    def title(self) -> str:
        return self.meta.get("title", "") or self.ref

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.ref)


class _Cache:
    """LRU with expiry: identical questions (frequent in a public widget) skip the search. Entries
    expire after `ttl` seconds so a re-ingest by another process shows up quickly."""

    def __init__(self, size: int = 512, ttl: float = 300.0) -> None:
        self.size, self.ttl = size, ttl
        self._data: OrderedDict[str, tuple[float, list]] = OrderedDict()
        self._lock = threading.Lock()

    def configure(self, size: int, ttl: float) -> None:
        with self._lock:
            self.size, self.ttl = size, ttl
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def get(self, key: str):
        if self.size <= 0:
            return None
        with self._lock:
            item = self._data.get(key)
            if item is None or time.monotonic() - item[0] > self.ttl:
                self._data.pop(key, None)
                return None
            self._data.move_to_end(key)
            return item[1]

    def put(self, key: str, value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic(), value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


search_cache = _Cache()
# Searches the assistant itself composes (fixed texts, e.g. the healthcare routes): always cached.
internal_cache = _Cache(size=64)


def cached_search(kb, query: str, *, k: int, filters: dict | None, as_of: int | None, method: str = "hybrid",
                  internal: bool = False) -> list:
    cache = internal_cache if internal else search_cache
    key = json.dumps([id(kb), query, k, filters or {}, as_of, method], sort_keys=True, ensure_ascii=False)
    hits = cache.get(key)
    if hits is None:
        hits = kb.search(query, k=k, filters=filters or None, method=method, as_of=as_of)
        cache.put(key, hits)
    return hits


def expand_query(query: str, language: str) -> str:
    """The query plus French source terms for a question written in another language."""
    extra = [t for t in french_terms(query) if t not in query.lower()]
    return f"{query} {' '.join(extra)}" if extra else query


def _has_country(hit, code: str) -> bool:
    return f"|{code}|" in str(hit.metadata.get("countries", ""))


def _places_of(passage: Passage) -> set[str]:
    return set(re.findall(r"[A-Z]{2}", str(passage.meta.get("countries", ""))))


def _demote_mismatches(query: str, passages) -> None:
    """Texts about the opposite move (a sheet on postings into France for a posting abroad, and the
    reverse) or about a French territory the question does not name (the Mayotte decree for a posting
    to Germany) drop a few ranks: they share the words, not the situation. Unknown stays neutral."""
    direction = question_direction(query)
    named = set(places_in(query))
    asked = named - {"FR"}
    asked_eu = any(c in EU_EEA_CH for c in asked)
    for passage in passages:
        if direction and text_direction(passage.title) not in (None, direction):
            passage.fused *= _MISMATCH
            passage.routes.append(OTHER_DIRECTION)
        # Only French territories: their coordination texts are *about* them, while the country tags of
        # other texts also come from passing mentions. EU-wide texts fit any member state and France.
        codes = _places_of(passage)
        about = codes & TERRITORIES
        eu_fits = "EU" in codes and (asked_eu or not asked)
        if named and about and not (about & asked) and not eu_fits:
            passage.fused *= _MISMATCH
            passage.routes.append(OTHER_PLACE)


def retrieve(kb, query: str, *, language: str = "fr", filters: dict | None = None, as_of: int | None = None,
             k: int = 8, internal: bool = False) -> list[Passage]:
    """Passages for `query`, best first. Raises ValueError for bad filters (from the knowledge base).
    A place named in the query adds a search restricted to texts about it, unless the first results
    already include such texts (each search embeds the query again: only when it can change the result)."""
    search_query = expand_query(query, language)[:_MAX_QUERY]
    main = cached_search(kb, search_query, k=k, filters=filters, as_of=as_of, internal=internal)
    lists: list[tuple[str, list]] = [("main", main)]
    # A lexical list too (cheap: no embedding): exact legal wording and article numbers of the codes
    # keep their place when the hybrid ranking favours fiche titles.
    lexical = cached_search(kb, search_query, k=k, filters=filters, as_of=as_of, method="bm25", internal=internal)
    if lexical:
        lists.append(("bm25", lexical))
    if not (filters or {}).get("country"):
        for code in [c for c in places_in(query) if c not in _NO_ROUTE][:2]:
            if any(_has_country(h, code) for h in main[:3]):
                continue
            routed = cached_search(kb, search_query, k=max(3, k // 2), filters={**(filters or {}), "country": code},
                                   as_of=as_of)
            if routed:
                lists.append((f"country:{code}", routed))
    fused: dict[tuple[str, str], Passage] = {}
    for route, hits in lists:
        for rank, hit in enumerate(hits):
            key = (hit.metadata.get("path", ""), hit.metadata.get("ref", ""))
            passage = fused.get(key)
            if passage is None:
                passage = fused[key] = Passage(hit=hit, rank=0, text=drop_instructions(hit.text))
            passage.fused += 1.0 / (_RRF_K + rank + 1)
            passage.routes.append(route)
    _demote_mismatches(query, fused.values())
    ranked = sorted(fused.values(), key=lambda p: p.fused, reverse=True)[:k]
    for i, passage in enumerate(ranked):
        passage.rank = i
    return ranked
