"""Statistics and the annual report: return templates, upload of returns by institution accounts with
their validation results, the history of versions, the annual report (HTML/PDF) and the open-data export
of the aggregated tables. Service code lives in the `reports` package."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import ValidationError

from api.deps import DbUrlDep, RateLimitedPrincipal, SettingsDep, require_role
from api.validation import IdPath, YearPath, YearQuery
from liaison.accounts import Principal
from reports.schemas import OpenDataPublic, ReturnCreate, ReturnPublic

router = APIRouter(tags=["statistics"])

InstitutionPrincipal = Annotated[Principal, Depends(require_role("institution"))]
ReaderPrincipal = Annotated[Principal, Depends(require_role("institution", "statistician", "supervisor"))]
StatisticianPrincipal = Annotated[Principal, Depends(require_role("statistician", "supervisor"))]
Branch = Literal["health", "old_age", "family", "work_accidents", "unemployment", "contributions"]
MULTIPART_SLACK = 64 * 1024
HTTP_413, HTTP_422 = 413, 422  # (Starlette renamed these constants; the codes are what clients see)  # form boundaries and fields around the file

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file", "year", "branch"],
            "properties": {
                "file": {"type": "string", "format": "binary", "description": "The return: CSV (UTF-8) or XLSX"},
                "year": {"type": "integer", "description": "Reporting year the file is for"},
                "branch": {"type": "string", "enum": list(Branch.__args__)},
                "institution": {"type": "string", "description": "Only for administrators uploading on behalf "
                                "of an institution; institution accounts upload for their own institution"},
            }}}},
    }
}


def _problem(code: int, message: str, issues: list | None = None) -> HTTPException:
    return HTTPException(code, {"message": message, "errors": issues or []})


@router.post(
    "/v1/stats/returns", response_model=ReturnPublic, status_code=status.HTTP_201_CREATED,
    summary="Upload a statistical return (institution accounts)",
    description="Multipart upload of one return (one institution, year and branch). The file is checked line "
    "by line. 201: accepted, it replaces the institution's earlier version for that year and branch (kept in "
    "the history). 200: this exact file was already submitted, nothing changed. 422: rejected, nothing "
    "imported; the body lists the errors with sheet, line and column. 413: the file is over the size limit "
    "(refused from its Content-Length, before it is read).",
    responses={200: {"model": ReturnPublic, "description": "Already submitted (idempotent)"},
               411: {"description": "Content-Length required"}, 413: {"description": "File too large"},
               422: {"model": ReturnPublic, "description": "Rejected with line-level errors"}},
    openapi_extra=_UPLOAD_BODY,
)
async def upload_return(request: Request, settings: SettingsDep, db_url: DbUrlDep, principal: InstitutionPrincipal):
    from reports.errors import ReturnTooLarge, too_large_issue
    from reports.returns import Submitter, check_size, import_return

    limit = settings.reports_max_upload_mb
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise _problem(status.HTTP_411_LENGTH_REQUIRED, "send the file with a Content-Length header")
    if int(length) > limit * 1_000_000 + MULTIPART_SLACK:
        issue = too_large_issue(int(length), limit)
        raise _problem(HTTP_413, str(issue), [issue.as_dict()])

    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise _problem(status.HTTP_400_BAD_REQUEST, "form field 'file' (the return) is missing")
    institution = principal.institution
    if principal.role == "institution":
        if not institution:
            raise _problem(status.HTTP_403_FORBIDDEN, "this institution account has no institution set; ask an "
                           "administrator to set it")
        claimed = form.get("institution")
        if claimed and " ".join(str(claimed).split()) != institution:
            raise _problem(status.HTTP_403_FORBIDDEN, "an institution account uploads for its own institution only")
    else:
        institution = form.get("institution") or institution
    try:
        declared = ReturnCreate(year=form.get("year"), branch=str(form.get("branch") or ""),
                                institution=str(institution or ""))
    except ValidationError as exc:
        raise HTTPException(HTTP_422, [
            {"loc": ["body", *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]} for e in exc.errors()])
    content = await upload.read()
    try:
        check_size(len(content), limit)
        result = await run_in_threadpool(
            import_return, settings, db_url, content, filename=upload.filename or "return",
            institution=declared.institution, year=declared.year, branch=declared.branch,
            submitter=Submitter(principal.username, principal.role, request.client.host if request.client else ""))
    except ReturnTooLarge as exc:
        raise _problem(HTTP_413, str(exc.issues[0]),
                       [i.as_dict() for i in exc.issues]) from None
    finally:
        await upload.close()
    code = (HTTP_422 if result.status == "rejected"
            else status.HTTP_200_OK if result.unchanged else status.HTTP_201_CREATED)
    return JSONResponse(result.model_dump(mode="json"), status_code=code)


def _visible(principal: Principal, result: ReturnPublic) -> bool:
    return principal.role != "institution" or result.institution == principal.institution


@router.get("/v1/stats/returns", response_model=list[ReturnPublic], summary="Returns and their versions",
            description="Newest first. Institution accounts see their own institution's returns; statisticians, "
            "supervisors and administrators see all.")
def list_returns(principal: ReaderPrincipal, db_url: DbUrlDep, year: YearQuery = None, branch: Branch | None = None,
                 status_filter: Literal["current", "superseded", "rejected"] | None = Query(None, alias="status"),
                 limit: int = Query(200, ge=1, le=2000)):
    from reports.returns import list_returns as service_list

    institution = principal.institution if principal.role == "institution" else None
    if principal.role == "institution" and not institution:
        return []
    return service_list(db_url, institution=institution, year=year, branch=branch, status=status_filter, limit=limit)


@router.get("/v1/stats/returns/{submission_id}", response_model=ReturnPublic,
            summary="One return: status and validation results (errors with sheet, line and column)")
def get_return(submission_id: IdPath, principal: ReaderPrincipal, db_url: DbUrlDep):
    from reports.returns import get_return as service_get

    result = service_get(db_url, submission_id)
    if result is None or not _visible(principal, result):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such return")
    return result


@router.get("/v1/stats/returns/{submission_id}/lines", summary="The figures stored from one return version",
            description="Each figure with the file, sheet and line it came from (any version, including "
                        "superseded ones).")
def get_return_lines(submission_id: IdPath, principal: ReaderPrincipal, db_url: DbUrlDep,
                     limit: int = Query(1000, ge=1, le=100_000)) -> list[dict]:
    from reports.returns import get_return as service_get
    from reports.returns import return_lines

    result = service_get(db_url, submission_id)
    if result is None or not _visible(principal, result):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such return")
    return [line | {"value": str(line["value"])} for line in return_lines(db_url, submission_id, limit)]


@router.get("/v1/stats/templates/{branch}.{fmt}", summary="Return template of a branch (CSV or XLSX)",
            response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet": {}}}})
def get_template(branch: Branch, fmt: Literal["csv", "xlsx"], _caller: RateLimitedPrincipal,
                 year: int | None = Query(None, ge=1990, le=2100)):
    from datetime import date

    from reports.templates import build_template, template_filename

    year = year or date.today().year - 1
    media = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(build_template(branch, year, fmt), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{template_filename(branch, year, fmt)}"'})


@router.get("/v1/reports/{year}.{fmt}", summary="The annual report of a year (HTML or PDF)",
            description="Built from the current returns and the centre's activity, in French (default) or English "
                        "(`lang`); the same data gives the same bytes (ETag = data fingerprint and edition). "
                        "Statisticians, supervisors and administrators.",
            response_class=Response, responses={200: {"content": {"text/html": {}, "application/pdf": {}}},
                                                404: {"description": "No validated return for that year"}})
async def get_report(year: YearPath, fmt: Literal["html", "pdf"], request: Request, settings: SettingsDep,
                     db_url: DbUrlDep, _principal: StatisticianPrincipal,
                     lang: Literal["fr", "en"] = Query("fr", description="Edition: fr (default) or en")):
    from reports.render import report_bytes, report_filename
    from reports.report import NoReportData

    try:
        data, fingerprint = await run_in_threadpool(report_bytes, settings, db_url, year, fmt, lang)
    except NoReportData as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    etag = f'"{fingerprint[:32]}-{lang}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    media = "text/html; charset=utf-8" if fmt == "html" else "application/pdf"
    return Response(data, media_type=media, headers={
        "ETag": etag, "Content-Language": lang,
        "Content-Disposition": f'inline; filename="{report_filename(year, fmt, lang)}"'})


@router.get("/v1/stats/open-data/{year}.{fmt}", summary="Open data: aggregated tables of a year (CSV or JSON)",
            description="Sums over all institutions per branch, instrument, partner, direction and indicator. No "
                        "personal data: no institution, no free-text breakdown, and small counts (with the amounts "
                        "tied to them) suppressed.", response_class=Response,
            responses={200: {"model": OpenDataPublic, "content": {"text/csv": {}},
                             "description": "JSON as OpenDataPublic; CSV with the same columns"}})
async def get_open_data(year: YearPath, fmt: Literal["csv", "json"], settings: SettingsDep, db_url: DbUrlDep,
                        _caller: RateLimitedPrincipal):
    from reports.opendata import export_csv, export_json

    export = export_csv if fmt == "csv" else export_json
    data = await run_in_threadpool(export, db_url, year, settings.reports_open_data_min_count)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'inline; filename="liaison-open-data-{year}.{fmt}"'})


@router.get("/reports/demo", summary="The demo annual report (synthetic data, HTML)", response_class=FileResponse)
def demo_report(settings: SettingsDep, lang: Literal["fr", "en"] = Query("fr", description="Edition")):
    return _demo_file(settings, "html", lang)


@router.get("/reports/demo.pdf", summary="The demo annual report (synthetic data, PDF)", response_class=FileResponse)
def demo_report_pdf(settings: SettingsDep, lang: Literal["fr", "en"] = Query("fr", description="Edition")):
    return _demo_file(settings, "pdf", lang)


def _demo_file(settings, fmt: str, lang: str) -> FileResponse:
    from reports.demo import demo_report_path

    path = demo_report_path(settings, fmt, lang)
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no demo report yet: run `liaison demo` (or "
                            "`liaison stats demo 2024 2025` then `liaison report 2025`)")
    return FileResponse(path, media_type="text/html; charset=utf-8" if fmt == "html" else "application/pdf")
