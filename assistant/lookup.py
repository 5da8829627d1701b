"""Legal lookup for agents: search results as whole units (article, fiche) verbatim with hierarchy,
version dates, source URL and the references they cite; one unit by path + ref.

The text served is the one the catalog stores for each unit version, as the source gives it (see
ingest.index.catalog, table `units`): `body` is that text, `text` the same with the unit's header
(hierarchy line, title) above it. Chunks overlap and repeat headers, so they are never glued back
together to make a text, except for an index written before unit texts were stored (`unit_text`,
until the next `liaison ingest` re-parses it; such results say `verbatim: false`)."""
from __future__ import annotations

import json
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


class GapPublic(BaseModel):
    """A text the query names that the base does not hold (see ingest.gaps)."""

    kind: str
    cite: str
    article: str = ""
    title: str = ""
    url: str = ""
    fetch_source: str = ""
    message: str


class SearchResponse(BaseModel):
    results: list[SearchResult]
    gaps: list[GapPublic] = Field(default_factory=list, description="instruments or articles named in the query "
                                  "that the knowledge base does not hold; shown before the results")


class VersionPublic(BaseModel):
    """A version of a unit: held (its text is stored, `version_id` set) or only known from the
    source's own list of versions (LEGI `articleVersions`: dates and a Légifrance link, no text)."""

    version_id: int | None = None
    valid_from: int = 0
    valid_to: int = 99991231
    status: str = ""
    current: bool = False
    held: bool = True
    url: str = ""
    source_id: str = ""


class CitingUnit(BaseModel):
    path: str
    ref: str
    title: str


class CrossReference(BaseModel):
    """A reference cited in the text that the base holds: `cite` as written, the unit it names."""

    cite: str
    path: str
    ref: str


class DocumentPublic(UnitPublic):
    chunks: list[ChunkPublic]
    links: list[CrossReference] = Field(default_factory=list, description="cited references the base holds")
    versions: list[VersionPublic] = Field(default_factory=list, description="every version known, newest first")
    cited_by: list[CitingUnit] = Field(default_factory=list, description="held texts citing this one")


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
    if as_of and version_id is None:
        return kb.version_in_force(path, ref, as_of)[1]
    versions = versions_of(path, ref)
    if version_id is not None:
        return next((v for v in versions if v.id == version_id), None)
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
    hits = kb.search(req.query, k=req.k, filters=req.filters or None, method=req.method, as_of=as_of)
    results = []
    for hit in hits:
        path, ref = hit.metadata.get("path", ""), hit.metadata.get("ref", "")
        version = find_version(kb, path, ref, as_of)
        fields = _version_fields(version) if version is not None else _chunk_fields(_get_unit(kb, path, ref, as_of) or [hit])
        results.append(SearchResult(score=round(float(hit.score), 6), **fields))
    gaps = [GapPublic(**g.as_dict()) for g in kb.gaps(req.query)] if hasattr(kb, "gaps") else []
    if req.as_of:
        gaps += _versions_not_held(kb, req.query, req.as_of)
    return SearchResponse(results=results, gaps=gaps)


def _versions_not_held(kb, query: str, as_of: date) -> list[GapPublic]:
    """Articles the query names that the base holds, but not in their version of `as_of`."""
    from ingest.legal_refs import extract_references

    catalog = getattr(kb, "catalog", None)
    named = [r for r in extract_references(query) if _CITABLE_REF.match(r)]
    if catalog is None or not named or not hasattr(catalog, "held_refs"):
        return []
    out = []
    for cite, (path, ref) in catalog.held_refs(named).items():
        gap = missing_version(kb, path, ref, as_of)
        if gap is not None:
            out.append(GapPublic(kind="version", cite=ref, title=f"Article {ref}", url=gap.url,
                                 message=missing_version_message(kb, path, ref, as_of) or ""))
    return out


def versions_of(kb, path: str, ref: str) -> list[VersionPublic]:
    """Held versions of a unit and the versions its source lists without their text, newest first."""
    held = getattr(kb, "unit_versions", lambda p, r: [])(path, ref)
    out = [VersionPublic(version_id=v.id, valid_from=v.valid_from, valid_to=v.valid_to, current=v.current,
                         status=str(v.metadata.get("status") or ""), url=str(v.metadata.get("url") or ""),
                         source_id=str(v.metadata.get("legi_id") or "")) for v in held]
    held_ids = {v.source_id for v in out if v.source_id}
    listed: list[dict] = []
    for version in held:
        try:
            listed = json.loads(version.metadata.get("legi_versions") or "[]")
        except ValueError:
            listed = []
        if listed:
            break
    from ingest.parsers.legi import LEGIFRANCE_ARTICLE

    for item in listed:
        if item.get("id") in held_ids:
            continue
        out.append(VersionPublic(valid_from=int(item.get("valid_from") or 0), valid_to=int(item.get("valid_to") or 99991231),
                                 status=str(item.get("etat") or ""), held=False, source_id=str(item.get("id")),
                                 url=LEGIFRANCE_ARTICLE.format(id=item.get("id"))))
    return sorted(out, key=lambda v: (-v.valid_from, not v.held))


def missing_version(kb, path: str, ref: str, as_of: date) -> VersionPublic | None:
    """The version in force on `as_of` when the source lists it but the base does not hold its text."""
    day = as_of_int(as_of)
    return next((v for v in versions_of(kb, path, ref)
                 if not v.held and v.valid_from <= day < v.valid_to), None)


def version_diff(kb, path: str, ref: str, old_id: int, new_id: int) -> tuple[Any, Any, list[tuple[str, str]]] | None:
    """(old version, new version, [(op, text)]) with op in "=", "-", "+": what changed between two
    held versions, word by word (difflib)."""
    import difflib

    old, new = find_version(kb, path, ref, version_id=old_id), find_version(kb, path, ref, version_id=new_id)
    if old is None or new is None:
        return None
    a, b = re.findall(r"\S+\s*", old.text), re.findall(r"\S+\s*", new.text)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("+", "".join(b[j1:j2])))
    return old, new, ops


# Refs that name one article or fiche wherever they are cited (a code article, a fiche); "Article 5"
# of an act is cited as such by many acts, so it is not looked up.
_CITABLE_REF = re.compile(r"^(?:[LRDA]\*?\d+(?:-\d+)*|F\d{2,6})$")


def missing_version_message(kb, path: str, ref: str, as_of: date) -> str | None:
    gap = missing_version(kb, path, ref, as_of)
    if gap is None:
        return None
    end = "" if gap.valid_to >= 99991231 else f" to {_iso(gap.valid_to)}"
    return (f"the version of {ref} in force on {as_of.isoformat()} ({gap.source_id}, from {_iso(gap.valid_from)}{end}) "
            f"is not in the knowledge base; its text is at {gap.url}")


def _iso(value: int) -> str:
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}" if value else "?"


def cross_references(kb, cites: list[str], own_ref: str = "") -> list[CrossReference]:
    """The cited articles and fiches the base holds (a code article number names one unit)."""
    catalog = getattr(kb, "catalog", None)
    wanted = [c for c in cites if _CITABLE_REF.match(c) and c != own_ref]
    if catalog is None or not hasattr(catalog, "held_refs") or not wanted:
        return []
    held = catalog.held_refs(wanted)
    return [CrossReference(cite=c, path=held[c.upper()][0], ref=held[c.upper()][1]) for c in wanted if c.upper() in held]


def cited_by(kb, ref: str, path: str = "") -> list[CitingUnit]:
    catalog = getattr(kb, "catalog", None)
    if catalog is None or not hasattr(catalog, "units_citing") or not _CITABLE_REF.match(ref or ""):
        return []
    return [CitingUnit(path=p, ref=r, title=t) for p, r, t in catalog.units_citing([ref]) if (p, r) != (path, ref)]


def get_document(kb, path: str, ref: str, as_of: date | None = None, version_id: int | None = None) -> DocumentPublic | None:
    day = as_of_int(as_of)
    version = find_version(kb, path, ref, day, version_id)
    if version is None and (version_id is not None or has_versions(kb, path, ref)):
        return None
    chunks = _get_unit(kb, path, ref, day)
    if version is not None:
        current = version.current and version.unit_hash == (chunks[0].metadata.get("unit_hash") if chunks else None)
        chunk_list = [ChunkPublic(chunk_id=c.chunk_id, text=c.text) for c in chunks] if current else []
        fields = _version_fields(version)
        return DocumentPublic(chunks=chunk_list, versions=versions_of(kb, path, ref), cited_by=cited_by(kb, ref, path),
                              links=cross_references(kb, fields["cites"], ref), **fields)
    if not chunks:
        return None
    return DocumentPublic(chunks=[ChunkPublic(chunk_id=c.chunk_id, text=c.text) for c in chunks], **_chunk_fields(chunks))
