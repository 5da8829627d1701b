"""Legal lookup for agents: search results as whole units (article, fiche) verbatim with hierarchy,
version dates, source URL and the references they cite; one unit by path + ref.

Chunks of a unit each start with the unit's header (hierarchy line, title, segment heading) and
overlap their predecessor by a few sentences; `unit_text` rebuilds the unit's text once, in order."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

METHODS = ("hybrid", "bm25", "dense")


class SearchRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"query": "maintien au régime français détachement hors convention durée", "k": 5},
        {"query": "L761-2", "k": 3, "filters": {"instrument_type": "french_code"}, "as_of": "2026-01-01"},
    ]})

    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(10, ge=1, le=50)
    filters: dict | None = None
    as_of: date | None = None
    method: Literal["hybrid", "bm25", "dense"] = "hybrid"


class ChunkPublic(BaseModel):
    chunk_id: str
    text: str


class UnitPublic(BaseModel):
    path: str
    ref: str
    title: str
    hierarchy: str = ""
    text: str
    valid_from: int | None = None
    valid_to: int | None = None
    version_date: int | None = None
    url: str = ""
    instrument_type: str = ""
    language: str = ""
    cites: list[str] = Field(default_factory=list)


class SearchResult(UnitPublic):
    score: float


class SearchResponse(BaseModel):
    results: list[SearchResult]


class DocumentPublic(UnitPublic):
    chunks: list[ChunkPublic]


def as_of_int(value: date | None) -> int | None:
    return value.year * 10000 + value.month * 100 + value.day if value else None


def _cites(meta: dict) -> list[str]:
    raw = meta.get("cites") or ""
    if isinstance(raw, list):
        return [str(c) for c in raw if c]
    return [c for c in str(raw).split("|") if c]


def _header_lines(text: str, meta: dict) -> set[str]:
    lines = [ln.strip() for ln in text.split("\n")[:4] if ln.strip()]
    return set(lines) | {str(meta.get("hierarchy", "")).strip(), str(meta.get("title", "")).strip()}


def unit_text(chunks: list) -> str:
    """The unit's text from its chunks (headers repeated by later chunks and overlaps removed)."""
    if not chunks:
        return ""
    text = chunks[0].text.strip()
    previous_headers = _header_lines(chunks[0].text, chunks[0].metadata)
    for chunk in chunks[1:]:
        lines = chunk.text.strip().split("\n")
        while lines and (not lines[0].strip() or lines[0].strip() in previous_headers):
            lines.pop(0)
        body = "\n".join(lines).strip()
        previous_headers = _header_lines(chunk.text, chunk.metadata)
        overlap = 0
        for size in range(min(len(body), 2000), 19, -1):
            if text.endswith(body[:size]):
                overlap = size
                break
        if not overlap:  # overlap may differ in whitespace: compare on a normalised form
            norm_tail = re.sub(r"\s+", " ", text[-2500:])
            norm_body = re.sub(r"\s+", " ", body)
            for size in range(min(len(norm_body), 2000), 19, -1):
                if norm_tail.endswith(norm_body[:size]):
                    # find how many raw characters of body make up that normalised prefix
                    consumed, count = 0, 0
                    while consumed < len(body) and count < size:
                        if body[consumed].isspace():
                            while consumed < len(body) and body[consumed].isspace():
                                consumed += 1
                            count += 1
                        else:
                            consumed += 1
                            count += 1
                    overlap = consumed
                    break
        rest = body[overlap:].strip()
        if rest:
            text += ("\n\n" if not overlap else " ") + rest
    return text


def _unit_fields(meta: dict, text: str) -> dict[str, Any]:
    def num(key):
        value = meta.get(key)
        return int(value) if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()) else None

    return {
        "path": meta.get("path", ""), "ref": meta.get("ref", ""), "title": meta.get("title", ""),
        "hierarchy": meta.get("hierarchy", "") or "", "text": text, "valid_from": num("valid_from"),
        "valid_to": num("valid_to"), "version_date": num("version_date"), "url": meta.get("url", "") or "",
        "instrument_type": meta.get("instrument_type", "") or "", "language": meta.get("language", "") or "",
        "cites": _cites(meta),
    }


def _get_unit(kb, path: str, ref: str, as_of: int | None) -> list:
    if as_of:
        try:
            return kb.get_unit(path, ref, as_of=as_of)
        except TypeError:  # a knowledge base without version selection
            pass
    return kb.get_unit(path, ref)


def search_units(kb, req: SearchRequest) -> SearchResponse:
    """Raises ValueError (bad filters / method) with the knowledge base's message."""
    as_of = as_of_int(req.as_of)
    hits = kb.search(req.query, k=req.k, filters=req.filters or None, method=req.method, as_of=as_of)
    results = []
    for hit in hits:
        chunks = _get_unit(kb, hit.metadata.get("path", ""), hit.metadata.get("ref", ""), as_of) or [hit]
        results.append(SearchResult(score=round(float(hit.score), 6), **_unit_fields(chunks[0].metadata, unit_text(chunks))))
    return SearchResponse(results=results)


def get_document(kb, path: str, ref: str, as_of: date | None = None) -> DocumentPublic | None:
    chunks = _get_unit(kb, path, ref, as_of_int(as_of))
    if not chunks:
        return None
    return DocumentPublic(chunks=[ChunkPublic(chunk_id=c.chunk_id, text=c.text) for c in chunks],
                          **_unit_fields(chunks[0].metadata, unit_text(chunks)))
