"""EESSI desk: GET /v1/eessi/bucs/{id}, /v1/eessi/seds/{code}, /v1/eessi/forms/{code}, /v1/eessi/catalogue,
exchange counts (POST /v1/eessi/counts, GET /v1/eessi/volumes), the console pages (/console/eessi/...)
and the public catalogue pages (/eessi/...) that the public viewer's code links lead to.

The catalogue is public reference data: anyone may read it (rate-limited like the legal lookup). Exchange
counts are internal figures: statisticians, supervisors and admins import them; console roles read them.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import RedirectResponse, Response

from api.deps import DbUrlDep, RateLimitedPrincipal, SettingsDep, require_role
from api.validation import YearQuery
from api.routes.web import ConsoleUser, _console, _forbidden, _page
from api.web import auth
from api.web.pages import pick_language
from liaison.accounts import Principal

router = APIRouter(tags=["EESSI"])
COUNT_IMPORT_ROLES = ("statistician", "supervisor", "admin")
COUNT_READ_ROLES = auth.CONSOLE_ROLES + ("statistician",)
_NOT_FOUND = {404: {"description": "not in the catalogue", "content": {"application/json": {
    "example": {"detail": "'Z999' is not in the catalogue: no SED with this code (...)"}}}}}


def _service(settings):
    from eessi.service import EessiService

    return EessiService(settings)


def _lookup(settings, kind: str, code: str) -> dict:
    from eessi.catalogue import CatalogueError
    from eessi.service import NotInCatalogue

    if len(code) > 40:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "code is too long (40 characters at most)")
    try:
        return _service(settings).lookup(kind, code)
    except NotInCatalogue as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except CatalogueError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc


@router.get("/v1/eessi/bucs/{buc_id}", summary="One business use case: purpose, SEDs, flow, sources, gaps",
            responses=_NOT_FOUND)
def get_buc(buc_id: str, settings: SettingsDep, _principal: RateLimitedPrincipal) -> dict:
    """`buc_id` as the catalogue writes it (LA_BUC_01; case and a missing leading zero are tolerated)."""
    return _lookup(settings, "buc", buc_id)


@router.get("/v1/eessi/seds/{code}", summary="One SED: name (or gap), BUCs, what answers it, sources",
            responses=_NOT_FOUND)
def get_sed(code: str, settings: SettingsDep, _principal: RateLimitedPrincipal) -> dict:
    return _lookup(settings, "sed", code)


@router.get("/v1/eessi/forms/{code}", summary="A portable document (S1) or an old E-form (E106) and what replaced it",
            responses=_NOT_FOUND)
def get_form(code: str, settings: SettingsDep, _principal: RateLimitedPrincipal) -> dict:
    return _lookup(settings, "form", code)


@router.get("/v1/eessi/catalogue", summary="The catalogue in use: version, counts, BUCs by sector")
def get_catalogue(settings: SettingsDep, _principal: RateLimitedPrincipal) -> dict:
    from eessi.catalogue import CatalogueError

    try:
        return _service(settings).summary()
    except CatalogueError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc


@router.post("/v1/eessi/counts", summary="Import exchange counts (CSV or XLSX); 422 lists every line-level problem",
             status_code=201)
async def post_counts(settings: SettingsDep, db_url: DbUrlDep,
                      principal: Annotated[Principal, Depends(require_role(*COUNT_IMPORT_ROLES))],
                      file: Annotated[UploadFile, File()], institution: Annotated[str, Form(max_length=200)]) -> dict:
    from fastapi.concurrency import run_in_threadpool

    from eessi.counts import CountsRejected, import_counts

    content = await file.read(int(settings.eessi_max_upload_mb * 1_000_000) + 1)
    try:
        result = await run_in_threadpool(import_counts, settings, db_url, content, filename=file.filename or "counts",
                                         institution=institution, submitted_by=principal.username)
    except CountsRejected as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, {
            "message": f"refused: {len(exc.issues)} problem(s); nothing was imported",
            "issues": [i.as_dict() for i in exc.issues[:settings.reports_max_errors]]}) from exc
    return {"id": result.id, "lines": result.lines, "first_month": result.first_month,
            "last_month": result.last_month, "duplicate": result.duplicate}


@router.get("/v1/eessi/volumes", summary="Exchange volumes, answers, mean response time, open exchanges")
def get_volumes(db_url: DbUrlDep, _principal: Annotated[Principal, Depends(require_role(*COUNT_READ_ROLES))],
                by: Annotated[str, Query(pattern="^(buc|sed|partner|direction|month)$")] = "buc",
                year: YearQuery = None) -> dict:
    from eessi.monitoring import volumes

    return volumes(db_url, by=by, year=year)


# ---------------------------------------------------------------------------------------- pages

def _entry_page(request: Request, settings, kind: str, code: str, *, user: Principal | None) -> Response:
    from eessi.catalogue import CatalogueError
    from eessi.links import CONSOLE_BASE, PUBLIC_BASE
    from eessi.service import NotInCatalogue
    from eessi.web_strings import eessi_translator

    lang = pick_language(request)
    et = eessi_translator(lang)
    base = CONSOLE_BASE if user else PUBLIC_BASE
    template = "eessi/console_entry.html" if user else "eessi/public_entry.html"
    extra = {"section": "eessi"} if user else {}
    try:
        view = _service(settings).lookup(kind, code[:40])
    except NotInCatalogue as exc:
        return _render(request, settings, template, lang, 404, user, view=None, et=et, base=base,
                       page_title=et("not_in_catalogue_h"), error_title=et("not_in_catalogue_h"),
                       error_text=str(exc), **extra)
    except CatalogueError as exc:
        return _render(request, settings, template, lang, 503, user, view=None, et=et, base=base,
                       page_title="EESSI", error_title="EESSI", error_text=str(exc), **extra)
    title = view.get("id") or view.get("code")
    return _render(request, settings, template, lang, 200, user, view=view, et=et, base=base, page_title=title,
                   **extra)


def _render(request, settings, template, lang, status_code, user, **ctx) -> Response:
    if user:
        return _console(request, settings, user, template, status_code, **ctx)
    return _page(request, template, lang, status_code, **ctx)


_KIND_OF_FOLDER = {"bucs": "buc", "seds": "sed", "forms": "form"}


@router.get("/console/eessi", include_in_schema=False)
def console_eessi(request: Request, settings: SettingsDep, user: ConsoleUser, code: str = "") -> Response:
    from eessi.web_strings import eessi_translator

    if user.role not in auth.CONSOLE_ROLES:
        return _forbidden(request, settings, user)
    service = _service(settings)
    summary = service.summary()
    return _console(request, settings, user, "eessi/console_index.html", section="eessi", summary=summary,
                    documents=list(service.catalogue.documents), code=code[:40], error_text=None,
                    et=eessi_translator(pick_language(request)))


@router.get("/console/eessi/lookup", include_in_schema=False)
def console_eessi_lookup(request: Request, settings: SettingsDep, user: ConsoleUser,
                         code: Annotated[str, Query(max_length=40)] = "") -> Response:
    """Any code typed by an agent goes to its page (BUC, SED, portable document, E-form)."""
    from eessi.codes import find_codes
    from eessi.links import page_path
    from eessi.web_strings import eessi_translator

    if user.role not in auth.CONSOLE_ROLES:
        return _forbidden(request, settings, user)
    service = _service(settings)
    found = [f for f in find_codes(service.catalogue, code.strip(), any_case=True)
             if f.start == 0 and f.end == len(code.strip())]
    if found:
        return RedirectResponse(page_path(found[0].kind, found[0].code), 303)
    if not code.strip():
        return RedirectResponse("/console/eessi", 303)
    et = eessi_translator(pick_language(request))
    return _console(request, settings, user, "eessi/console_index.html", 404, section="eessi",
                    summary=service.summary(), documents=list(service.catalogue.documents), code=code, et=et,
                    error_text=f"{code.strip()!r}: {et('not_in_catalogue_h')}")


@router.get("/console/eessi/exchanges", include_in_schema=False)
def console_eessi_exchanges(request: Request, settings: SettingsDep, db_url: DbUrlDep, user: ConsoleUser,
                            year: YearQuery = None,
                            by: Annotated[str, Query(pattern="^(buc|sed|partner|direction|month)$")] = "buc") -> Response:
    from eessi.monitoring import volumes, years
    from eessi.web_strings import eessi_translator

    if user.role not in COUNT_READ_ROLES:
        return _forbidden(request, settings, user)
    known = years(db_url)
    year = year if year is not None else (known[0] if known else None)
    table = volumes(db_url, by=by, year=year) if year is not None else {"rows": [], "total": {}, "synthetic": False}
    return _console(request, settings, user, "eessi/console_exchanges.html", section="eessi", table=table, by=by,
                    year=year, years=known, et=eessi_translator(pick_language(request)))


@router.get("/console/eessi/{folder}/{code}", include_in_schema=False)
def console_eessi_entry(request: Request, settings: SettingsDep, user: ConsoleUser, folder: str, code: str) -> Response:
    if user.role not in auth.CONSOLE_ROLES:
        return _forbidden(request, settings, user)
    if folder not in _KIND_OF_FOLDER:
        raise HTTPException(404, "no such page")
    return _entry_page(request, settings, _KIND_OF_FOLDER[folder], code, user=user)


@router.get("/eessi/{folder}/{code}", include_in_schema=False)
def public_eessi_entry(request: Request, settings: SettingsDep, folder: str, code: str) -> Response:
    """Public page of a catalogue entry (where codes in the public viewer link to)."""
    if folder not in _KIND_OF_FOLDER:
        raise HTTPException(404, "no such page")
    return _entry_page(request, settings, _KIND_OF_FOLDER[folder], code, user=None)
