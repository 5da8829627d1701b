"""Legal lookup for agents: search results as whole units (article, fiche) verbatim with hierarchy,
version dates, source URL and the references they cite; one unit by path + ref.

The text served is the one the catalog stores for each unit version, as the source gives it (see
ingest.index.catalog, table `units`): `body` is that text, `text` the same with the unit's header
(hierarchy line, title) above it. Chunks overlap and repeat headers, so they are never glued back
together to make a text, except for an index written before unit texts were stored (`unit_text`,
until the next `liaison ingest` re-parses it; such results say `verbatim: false`)."""
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
    body: str = Field("", description="the unit's text as the source gives it (no header)")
    verbatim: bool = Field(True, description="false only on an index not re-ingested since unit texts are stored")
    version_id: int | None = Field(None, description="id of the stored version served")
    status: str = ""


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


def header(meta: dict) -> str:
    """Hierarchy line and title, as the first chunk of the unit starts."""
    lines: list[str] = []
    for line in (str(meta.get("hierarchy") or "").strip(), str(meta.get("title") or "").strip()):
        if line and (not lines or lines[-1] != line):
            lines.append(line)
    return "\n".join(lines)


def _version_fields(version) -> dict[str, Any]:
    meta = dict(version.metadata)
    meta.update(valid_from=version.valid_from, valid_to=version.valid_to)
    head = header(meta)
    fields = _unit_fields(meta, f"{head}\n{version.text}" if head else version.text)
    fields.update(body=version.text, verbatim=True, version_id=version.id)
    return fields


def _unit_fields(meta: dict, text: str) -> dict[str, Any]:
    def num(key):
        value = meta.get(key)
        return int(value) if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()) else None

    return {
        "path": meta.get("path", ""), "ref": meta.get("ref", ""), "title": meta.get("title", ""),
        "hierarchy": meta.get("hierarchy", "") or "", "text": text, "valid_from": num("valid_from"),
        "valid_to": num("valid_to"), "version_date": num("version_date"), "url": meta.get("url", "") or "",
        "instrument_type": meta.get("instrument_type", "") or "", "language": meta.get("language", "") or "",
        "cites": _cites(meta), "status": str(meta.get("status") or ""),
    }


def _chunk_fields(chunks: list) -> dict[str, Any]:
    """Fallback for an index written before unit texts were stored (re-ingest to get them)."""
    text = unit_text(chunks)
    fields = _unit_fields(chunks[0].metadata, text)
    head = header(chunks[0].metadata)
    fields.update(body=text[len(head):].lstrip("\n") if head and text.startswith(head) else text, verbatim=False)
    return fields


def find_version(kb, path: str, ref: str, as_of: int | None = None, version_id: int | None = None):
    """The stored version of a unit: `version_id` if given, else the one in force on `as_of`, else the
    current one (latest start date). None when the base keeps no unit texts or none fits."""
    versions_of = getattr(kb, "unit_versions", None)
    if versions_of is None:
        return None
    versions = versions_of(path, ref)
    if version_id is not None:
        return next((v for v in versions if v.id == version_id), None)
    if as_of:
        return next((v for v in sorted(versions, key=lambda v: (not v.current, -v.valid_from)) if v.in_force(as_of)), None)
    return next((v for v in versions if v.current), None)


def has_versions(kb, path: str, ref: str) -> bool:
    versions_of = getattr(kb, "unit_versions", None)
    return bool(versions_of and versions_of(path, ref))


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
    versioned = hasattr(kb, "unit_versions")
    # With stored versions, an `as_of` search finds units by their current text and serves the
    # version in force that day (a superseded version is not in the search index any more).
    hits = kb.search(req.query, k=min(200, req.k * 2) if as_of and versioned else req.k, filters=req.filters or None,
                     method=req.method, as_of=None if versioned else as_of)
    results = []
    for hit in hits:
        path, ref = hit.metadata.get("path", ""), hit.metadata.get("ref", "")
        version = find_version(kb, path, ref, as_of)
        if version is not None:
            fields = _version_fields(version)
        elif as_of and versioned and has_versions(kb, path, ref):
            continue  # the base holds this unit, but no version of it in force that day
        elif as_of and versioned and not (hit.metadata.get("valid_from", 0) <= as_of < hit.metadata.get("valid_to", 99991231)):
            continue
        else:
            fields = _chunk_fields(_get_unit(kb, path, ref, as_of) or [hit])
        results.append(SearchResult(score=round(float(hit.score), 6), **fields))
        if len(results) >= req.k:
            break
    return SearchResponse(results=results)


def get_document(kb, path: str, ref: str, as_of: date | None = None, version_id: int | None = None) -> DocumentPublic | None:
    day = as_of_int(as_of)
    version = find_version(kb, path, ref, day, version_id)
    if version is None and (version_id is not None or has_versions(kb, path, ref)):
        return None
    chunks = _get_unit(kb, path, ref, day)
    if version is not None:
        current = version.current and version.unit_hash == (chunks[0].metadata.get("unit_hash") if chunks else None)
        chunk_list = [ChunkPublic(chunk_id=c.chunk_id, text=c.text) for c in chunks] if current else []
        return DocumentPublic(chunks=chunk_list, **_version_fields(version))
    if not chunks:
        return None
    return DocumentPublic(chunks=[ChunkPublic(chunk_id=c.chunk_id, text=c.text) for c in chunks], **_chunk_fields(chunks))
