"""How the server-rendered pages reach the knowledge base: the same service functions and shapes as
POST /v1/search and GET /v1/documents (assistant.lookup), run in the worker thread pool. Calling them
in process, rather than through HTTP, keeps console searches out of the anonymous rate limit whatever
way the agent signed in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.concurrency import run_in_threadpool

from liaison.settings import Settings


@dataclass
class BackendError(Exception):
    status: int
    detail: str

    def __str__(self) -> str:
        return self.detail


def _kb(settings: Settings):
    from assistant.kb_access import KnowledgeBaseUnavailable, get_knowledge_base

    try:
        return get_knowledge_base(settings)
    except KnowledgeBaseUnavailable as exc:
        raise BackendError(503, str(exc)) from exc


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BackendError(422, f"as_of must be a date YYYY-MM-DD, got {value!r}") from exc


async def search(settings: Settings, *, query: str, k: int, filters: dict, as_of: str | None) -> list[dict[str, Any]]:
    """Whole units verbatim, as in the `results` of POST /v1/search."""
    return (await search_with_gaps(settings, query=query, k=k, filters=filters, as_of=as_of))[0]


async def search_with_gaps(settings: Settings, *, query: str, k: int, filters: dict,
                           as_of: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(`results`, `gaps`) of POST /v1/search: the units found, and the texts the query names that
    the base does not hold."""
    from pydantic import ValidationError

    from assistant.lookup import SearchRequest, search_units

    try:
        request = SearchRequest(query=query, k=k, filters=filters or None, as_of=_date(as_of))
    except ValidationError as exc:
        raise BackendError(422, "; ".join(e["msg"] for e in exc.errors())) from exc
    kb = _kb(settings)
    try:
        response = await run_in_threadpool(search_units, kb, request)
    except ValueError as exc:  # unknown filter value, empty or too long query
        raise BackendError(422, str(exc)) from exc
    return [r.model_dump() for r in response.results], [g.model_dump() for g in response.gaps]


@dataclass
class VersionNotHeld(BackendError):
    """The unit is held, but not its version in force on the date asked (the source lists it)."""

    url: str = ""


async def document(settings: Settings, *, path: str, ref: str, as_of: str | None = None,
                   version: int | None = None) -> dict[str, Any]:
    """One unit, as returned by GET /v1/documents/{path}?ref=."""
    from assistant.lookup import get_document, missing_version, missing_version_message

    kb = _kb(settings)
    day = _date(as_of)
    doc = await run_in_threadpool(get_document, kb, path, ref, day, version)
    if doc is None:
        if day is not None and (gap := await run_in_threadpool(missing_version, kb, path, ref, day)) is not None:
            raise VersionNotHeld(404, missing_version_message(kb, path, ref, day) or "", url=gap.url)
        raise BackendError(404, f"no document {path!r} with ref {ref!r}")
    return doc.model_dump()


async def diff(settings: Settings, *, path: str, ref: str, old: int, new: int):
    """What changed between two stored versions of a unit (assistant.lookup.version_diff)."""
    from assistant.lookup import version_diff

    kb = _kb(settings)
    result = await run_in_threadpool(version_diff, kb, path, ref, old, new)
    if result is None:
        raise BackendError(404, f"no such versions of {path!r} {ref!r}")
    return result
