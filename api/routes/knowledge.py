"""Legal lookup: POST /v1/search and GET /v1/documents/{path}?ref=REF.

Who may search: everyone. The texts are public law and official public pages, and the lookup never
returns personal data, so anonymous callers may search too (rate-limited per IP like the assistant);
agents, officers, supervisors and admins (any authenticated account) are not rate-limited.
"""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool

from api.deps import RateLimitedPrincipal, SettingsDep
from assistant.lookup import (
    DocumentPublic,
    SearchRequest,
    SearchResponse,
    get_document,
    missing_version_message,
    search_units,
)

router = APIRouter(tags=["legal lookup"])


def _kb(settings):
    from assistant.kb_access import KnowledgeBaseUnavailable, get_knowledge_base

    try:
        return get_knowledge_base(settings)
    except KnowledgeBaseUnavailable as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc


@router.post("/v1/search", response_model=SearchResponse, summary="Search the legal texts (whole units verbatim)",
             responses={422: {"description": "bad query, unknown filter key or method"}})
async def search(body: SearchRequest, settings: SettingsDep, _principal: RateLimitedPrincipal) -> SearchResponse:
    """Hybrid (or bm25 / dense) search. Each result is a whole article or fiche, verbatim, with its
    hierarchy, version dates (`valid_from`/`valid_to`/`version_date` as YYYYMMDD), source URL and the
    references it cites. `filters` keys: source, path, ref, instrument_type, language, country, audience.
    `as_of` keeps only versions in force on that date."""
    kb = _kb(settings)
    try:
        return await run_in_threadpool(search_units, kb, body)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from exc


@router.get("/v1/documents/{path:path}", response_model=DocumentPublic, summary="One article or fiche by path + ref",
            responses={404: {"description": "no such unit"}})
async def document(path: str, settings: SettingsDep, _principal: RateLimitedPrincipal,
                   ref: str = Query(..., min_length=1, max_length=300, description="article number, fiche id, file name ..."),
                   as_of: date | None = Query(None, description="version in force on this date (YYYY-MM-DD)"),
                   version: int | None = Query(None, ge=1, description="a stored version by its `version_id`"),
                   ) -> DocumentPublic:
    """`path` is relative to the ingested root (e.g. `fr/code-securite-sociale/CSS_...json`), `ref` the unit
    (e.g. `L761-2`, `F407`, `article-3.md`). The text is the unit's as the source gives it; `versions`
    lists every version known (held ones with their `version_id`, others with their official link)."""
    if len(path) > 1000:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "path is too long")
    kb = _kb(settings)
    doc = await run_in_threadpool(get_document, kb, path, ref, as_of, version)
    if doc is None:
        gap = await run_in_threadpool(missing_version_message, kb, path, ref, as_of) if as_of else None
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            gap or f"no document {path!r} with ref {ref!r} in the knowledge base")
    return doc
