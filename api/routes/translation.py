"""Translation desk over HTTP.

LibreTranslate-compatible routes at the root, so existing clients and plug-ins work unchanged:
POST /translate, POST /detect, GET /languages, GET /frontend/settings, POST /translate_file and
GET /download_file/... (the URL returned by /translate_file). They accept JSON or form bodies, the
API key as `api_key` in the body (as LibreTranslate clients send it) or as `Authorization: Bearer`,
and answer errors as {"error": "..."}.

Our own routes under /v1/translation/: background jobs (progress, cancel, flags, downloads, XLIFF
re-import), glossary, translation memory (look-up, confirm, TMX import/export), engines and usage.

API keys are accounts (`liaison users add NAME --role translator --char-limit N`): roles translator,
institution and admin by default; each key has a daily character quota counted in
`translation_events`. Anonymous use only when LIAISON_TRANSLATION_ALLOW_ANONYMOUS is set.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import DbUrlDep, PrincipalDep, SettingsDep
from api.validation import IdPath, OffsetQuery, cap_upload, json_object
from liaison.accounts import ANONYMOUS, Principal, principal_for_token

router = APIRouter(tags=["translation"])

MAX_TEXT_ITEMS = 200


# -- helpers -------------------------------------------------------------------------------------------

# LibreTranslate's routes: their errors are {"error": ...} (also 404/405: `api.errors` uses `is_lt_path`).
LT_PATHS = ("/translate", "/detect", "/languages", "/frontend/settings", "/translate_file", "/suggest", "/spec")
_SERVER_PATH = re.compile(r"(?<![\w.:/])(?:/[\w.@+-]+){2,}/?")


def public_message(message: str) -> str:
    """No server paths in what clients see: an absolute path is shown as its last part."""
    return _SERVER_PATH.sub(lambda m: m.group(0).rstrip("/").rsplit("/", 1)[-1] or "/", message)


def _lt_error(code: int, message: str, settings=None) -> JSONResponse:
    from liaison.redact import redact_paths

    return JSONResponse(status_code=code, content={"error": public_message(redact_paths(message, settings))})


def is_lt_path(path: str) -> bool:
    return path in LT_PATHS or path.startswith("/download_file/")


class _LtFailure(Exception):
    def __init__(self, code: int, message: str):
        self.code, self.message = code, message


async def _params(request: Request) -> dict:
    """Fields from the query string, a JSON body or a form body (LibreTranslate clients use all three)."""
    params: dict = {}
    for key in request.query_params.keys():
        values = request.query_params.getlist(key)
        params[key] = values if len(values) > 1 else values[0]
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        try:
            body = await request.json()
        except ValueError:
            raise _LtFailure(400, "invalid JSON body") from None
        if not isinstance(body, dict):
            raise _LtFailure(400, "the JSON body must be an object")
        params.update(body)
    elif "form" in content_type:
        form = await request.form()
        for key in form.keys():
            values = form.getlist(key)
            params[key] = values if len(values) > 1 else values[0]
    return params


def _translator(request: Request, db_url: str):
    state = request.app.state
    translator = getattr(state, "translation_translator", None)
    if translator is None:
        from translation.pipeline import Translator

        translator = Translator(state.settings, db_url=db_url,
                                chat_model=getattr(state, "translation_chat_model", None))
        state.translation_translator = translator
    return translator


def _runner(request: Request, db_url: str):
    state = request.app.state
    runner = getattr(state, "translation_runner", None)
    if runner is None:
        from translation.jobs import JobRunner, purge_expired

        runner = JobRunner(state.settings, db_url, chat_model=getattr(state, "translation_chat_model", None))
        state.translation_runner = runner
        purge_expired(state.settings, db_url)
        runner.recover()
    return runner


def _allowed(principal: Principal, settings) -> bool:
    return principal.role == "admin" or principal.role in settings.translation_allowed_roles


def _lt_principal(request: Request, params: dict, db_url: str) -> Principal:
    settings = request.app.state.settings
    token = params.get("api_key") or ""
    if isinstance(token, list):
        token = token[0]
    header = request.headers.get("authorization", "")
    if not token and header.lower().startswith("bearer "):
        token = header[7:].strip()
    if not token:
        if settings.translation_allow_anonymous:
            return ANONYMOUS
        # LibreTranslate answers a missing key with 400 and an invalid one with 403.
        raise _LtFailure(400, "an API key is required: send it as api_key (or Authorization: Bearer); "
                              "ask the administrator for one (liaison users add NAME --role translator)")
    principal = principal_for_token(db_url, str(token))
    if principal is None:
        raise _LtFailure(403, "Invalid API key")
    if not _allowed(principal, settings):
        raise _LtFailure(403, f"role {principal.role!r} may not use the translation service")
    return principal


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _audit(db_url: str, principal: Principal, request: Request, action: str, object_type: str, object_id,
           detail: dict | None = None) -> None:
    """Documents are personal data: creations, downloads and changes go to the audit log."""
    from liaison import audit

    audit.record(db_url, actor=principal.username, role=principal.role, action=action, object_type=object_type,
                 object_id=object_id, source_ip=_client(request), detail=detail)


def require_translation_access(request: Request, principal: PrincipalDep) -> Principal:
    settings = request.app.state.settings
    if principal.is_anonymous:
        if settings.translation_allow_anonymous:
            return principal
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "authentication required (Authorization: Bearer <API key>)",
                            headers={"WWW-Authenticate": "Bearer"})
    if not _allowed(principal, settings):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role!r} may not use the translation service")
    return principal


def require_memory_editor(principal: Annotated[Principal, Depends(require_translation_access)]) -> Principal:
    if principal.role not in ("translator", "certifier", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only translators may change the glossary and the memory")
    return principal


TranslationPrincipal = Annotated[Principal, Depends(require_translation_access)]
EditorPrincipal = Annotated[Principal, Depends(require_memory_editor)]


def _http_error(exc) -> HTTPException:
    from translation.errors import GlossaryError

    detail = {"message": str(exc), "problems": exc.problems} if isinstance(exc, GlossaryError) else str(exc)
    return HTTPException(getattr(exc, "status_code", 400), detail)


def _lt_pair(params: dict) -> tuple[str, str]:
    """source and target as LibreTranslate requires them (source may be "auto")."""
    for field in ("source", "target"):
        if not params.get(field):
            raise _LtFailure(400, f"Invalid request: missing {field} parameter")
    return (_languages(params.get("source"), allow_auto=True, field="source"),
            _languages(params.get("target"), allow_auto=False, field="target"))


def _languages(value, *, allow_auto: bool, field: str) -> str:
    from translation.languages import UnknownLanguage, normalize_language

    try:
        return normalize_language(value if isinstance(value, str) else None, allow_auto=allow_auto)
    except UnknownLanguage as exc:
        raise _LtFailure(400, f"{field}: {exc}") from None


async def _save_upload(upload, settings, directory: Path) -> Path:
    """Stream an upload to disk, refusing it past the size limit."""
    limit = int(settings.translation_max_file_mb * 1024 * 1024)
    from translation.jobs import safe_name

    name = safe_name(getattr(upload, "filename", "") or "file")
    target = directory / name
    size = 0
    with target.open("wb") as out:
        while True:
            chunk = await upload.read(1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _LtFailure(413, f"{name}: larger than the limit of {settings.translation_max_file_mb:g} MB per file")
            out.write(chunk)
    if size == 0:
        raise _LtFailure(400, f"{name}: the file is empty")
    return target


def _cap_file_upload(request: Request) -> None:
    """One file (memory, glossary, XLIFF): refused past the per-file limit, also when sent chunked."""
    settings = request.app.state.settings
    cap_upload(request, int(settings.translation_max_file_mb * 1024 * 1024) + (1 << 20),
               "LIAISON_TRANSLATION_MAX_FILE_MB")


def _check_content_length(request: Request, settings, files: int = 1) -> None:
    length = request.headers.get("content-length")
    limit = settings.translation_max_file_mb * 1024 * 1024 * files + (1 << 20)
    if length and length.isdigit() and int(length) > limit:
        raise _LtFailure(413, f"upload larger than the limit of {settings.translation_max_file_mb:g} MB per file")


def _inspect(path: Path, settings) -> int:
    """Validate a document now (format, corruption, pages, characters) and return its characters; read in
    a separate resource-limited process (translation/formats/limited.py)."""
    from translation.formats import format_of
    from translation.formats.limited import inspect_limited

    format_of(path.name)  # an unsupported extension is refused without starting a process
    return inspect_limited(path, settings)


# -- LibreTranslate-compatible -------------------------------------------------------------------------

@router.post("/translate")
async def lt_translate(request: Request, db_url: DbUrlDep):
    from translation.errors import TranslationError
    from translation.usage import complete, refund, reserve

    settings = request.app.state.settings
    try:
        params = await _params(request)
        principal = _lt_principal(request, params, db_url)
        q = params.get("q")
        if q is None or q == "" or q == []:
            raise _LtFailure(400, "invalid request: missing q parameter")
        batch = isinstance(q, list)
        texts = [str(x) for x in (q if batch else [q])]
        if len(texts) > MAX_TEXT_ITEMS:
            raise _LtFailure(400, f"too many texts ({len(texts)}); at most {MAX_TEXT_ITEMS} per request")
        source, target = _lt_pair(params)
        fmt = params.get("format", "text")
        if fmt not in ("text", "html"):
            raise _LtFailure(400, f"format must be text or html, not {fmt!r}")
        engine = params.get("engine", settings.translation_engine)
        chars = sum(len(t) for t in texts)
        if chars > settings.translation_max_request_chars:
            raise _LtFailure(400, f"invalid request: request ({chars}) exceeds text limit "
                                  f"({settings.translation_max_request_chars})")
        event = reserve(db_url, settings, principal, client=_client(request), channel="text", source=source,
                        target=target, chars=chars)
        try:
            alternatives = max(0, min(10, int(params.get("alternatives") or 0)))
        except (TypeError, ValueError):
            raise _LtFailure(400, "Invalid request: alternatives must be a number") from None
        translator = _translator(request, db_url)
        try:
            results = await run_in_threadpool(translator.translate_texts, texts, target, source=source,
                                              engine=engine, fmt=fmt, alternatives=alternatives)
        except BaseException:
            refund(db_url, event)
            raise
        segments = [s for r in results for s in r.segments]
        detected_source = results[0].detected.language if source == "auto" and results and results[0].detected else source
        complete(db_url, event, source=detected_source, segments=len(segments),
                 words=sum(len(s.source.split()) for s in segments))
    except _LtFailure as exc:
        return _lt_error(exc.code, exc.message)
    except TranslationError as exc:
        return _lt_error(exc.status_code, str(exc), request.app.state.settings)

    def detected(result) -> dict:
        if result.detected is None:
            return {"confidence": 0.0, "language": "auto"}
        return result.detected.to_libretranslate()

    body: dict = {"translatedText": [r.text for r in results] if batch else results[0].text}
    if source == "auto":
        body["detectedLanguage"] = [detected(r) for r in results] if batch else detected(results[0])
    if alternatives > 0:
        body["alternatives"] = [r.alternatives for r in results] if batch else results[0].alternatives
    # Our addition: per-segment flags (numbers changed, glossary, drafts) for clients that want them.
    body["flags"] = [[f.to_public() for f in r.flags] for r in results] if batch else \
        [f.to_public() for f in results[0].flags]
    return body


@router.post("/detect")
async def lt_detect(request: Request, db_url: DbUrlDep):
    from translation.detect import detect

    settings = request.app.state.settings
    try:
        params = await _params(request)
        _lt_principal(request, params, db_url)
        q = params.get("q")
        if not q:
            raise _LtFailure(400, "invalid request: missing q parameter")
        text = " ".join(q) if isinstance(q, list) else str(q)
        if len(text) > settings.translation_max_request_chars:
            raise _LtFailure(400, "invalid request: text too long")
    except _LtFailure as exc:
        return _lt_error(exc.code, exc.message)
    found = await run_in_threadpool(detect, text, tuple(settings.translation_detect_languages))
    return [d.to_libretranslate() for d in found]


def _language_table(request: Request, db_url: str) -> list[dict]:
    from translation.languages import language_name

    settings = request.app.state.settings
    translator = _translator(request, db_url)
    targets: dict[str, set[str]] = {}
    engines = ["argos", "llm"] if settings.translation_engine == "auto" and settings.translation_llm_fallback \
        else (["argos"] if settings.translation_engine == "auto" else [settings.translation_engine])
    from translation.engines import build_engine

    for name in engines:
        engine = translator._engines.get(name) or build_engine(name, settings, chat_model=translator.chat_model)
        translator._engines.setdefault(name, engine)
        for source, target in engine.pairs():
            targets.setdefault(source, set()).add(target)
            targets.setdefault(target, set())
    return [{"code": code, "name": language_name(code), "targets": sorted(targets[code])}
            for code in sorted(targets, key=lambda c: (c != "en", c))]


@router.get("/languages")
async def lt_languages(request: Request, db_url: DbUrlDep):
    return await run_in_threadpool(_language_table, request, db_url)


@router.get("/frontend/settings")
async def lt_frontend_settings(request: Request, db_url: DbUrlDep):
    from translation.formats import SUPPORTED_SUFFIXES

    settings = request.app.state.settings
    table = await run_in_threadpool(_language_table, request, db_url)
    first = table[0] if table else {"code": "en", "name": "English"}
    return {
        "charLimit": settings.translation_max_request_chars, "frontendTimeout": 500,
        "apiKeys": True, "keyRequired": not settings.translation_allow_anonymous, "suggestions": True,
        "filesTranslation": True, "supportedFilesFormat": sorted(SUPPORTED_SUFFIXES),
        "language": {"source": {"code": "auto", "name": "Auto Detect"},
                     "target": {"code": first["code"], "name": first["name"]}},
    }


@router.post("/suggest")
async def lt_suggest(request: Request, db_url: DbUrlDep):
    """LibreTranslate's suggestion: q (original), s (suggested translation), source, target. Kept in
    the memory as a confirmed translation by the key's translator (other keys: 403)."""
    try:
        params = await _params(request)
        principal = _lt_principal(request, params, db_url)
        if principal.role not in ("translator", "certifier", "admin"):
            raise _LtFailure(403, "Suggestions are accepted from translators' keys only")
        for field in ("q", "s"):
            if not params.get(field) or not isinstance(params.get(field), str):
                raise _LtFailure(400, f"Invalid request: missing {field} parameter")
        source, target = _lt_pair(params)
        if source == "auto":
            raise _LtFailure(400, "Invalid request: give the source language of a suggestion")
        if len(params["q"]) + len(params["s"]) > request.app.state.settings.translation_max_request_chars:
            raise _LtFailure(400, "Invalid request: text too long")
        translator = _translator(request, db_url)
        outcome = await run_in_threadpool(translator.memory.confirm, source, target, params["q"], params["s"],
                                          by=principal.username)
    except _LtFailure as exc:
        return _lt_error(exc.code, exc.message)
    _audit(db_url, principal, request, "translation.suggest", "translation_memory", outcome.entry_id,
           {"source": source, "target": target, "status": outcome.status})
    return {"success": True}


@router.get("/spec")
def lt_spec(request: Request):
    """The API description (LibreTranslate serves its Swagger spec here; ours is OpenAPI)."""
    return request.app.openapi()


@router.post("/translate_file")
async def lt_translate_file(request: Request, db_url: DbUrlDep):
    from translation.errors import TranslationError
    from translation.jobs import UploadedFile, create_job, job_public
    from translation.usage import refund, reserve

    settings = request.app.state.settings
    tmp = Path(tempfile.mkdtemp(prefix="upload-", dir=settings.data_dir))
    try:
        _check_content_length(request, settings)
        form = await request.form()
        params = {k: form.get(k) for k in form.keys() if k != "file"}
        principal = _lt_principal(request, params, db_url)
        upload = form.get("file")
        if upload is None or not hasattr(upload, "read"):
            raise _LtFailure(400, "invalid request: missing file parameter")
        source, target = _lt_pair({"source": params.get("source") or "auto", "target": params.get("target")})
        path = await _save_upload(upload, settings, tmp)
        chars = await run_in_threadpool(_inspect, path, settings)
        event = reserve(db_url, settings, principal, client=_client(request), channel="file", source=source,
                        target=target, chars=chars)
        try:
            job_id = create_job(settings, db_url, owner_id=principal.id, owner=principal.username,
                                files=[UploadedFile(path.name, path)], target=target, source=source,
                                engine=params.get("engine") or settings.translation_engine, chars=chars)
        except BaseException:
            refund(db_url, event)
            raise
        runner = _runner(request, db_url)
        runner.submit(job_id)
        _audit(db_url, principal, request, "translation.file", "translation_job", job_id,
               {"file": path.name, "source": source, "target": target, "chars": chars})
        finished = await run_in_threadpool(runner.wait, job_id, settings.translation_file_timeout_s)
        job = job_public(db_url, job_id)
        if not finished:
            return _lt_error(504, f"translation still running after {settings.translation_file_timeout_s} s; "
                                  f"follow job {job_id} at /v1/translation/jobs/{job_id}")
        file = job["files"][0]
        if file["status"] not in ("done", "partial") or not file["output_name"]:
            return _lt_error(422 if file["status"] == "failed" else 500,
                             file["error"] or job["error"] or f"translation {file['status']}")
        base = str(request.base_url).rstrip("/")
        return {"translatedFileUrl": f"{base}/download_file/{job_id}/{file['id']}/{file['output_name']}"}
    except _LtFailure as exc:
        return _lt_error(exc.code, exc.message)
    except TranslationError as exc:
        return _lt_error(exc.status_code, str(exc), request.app.state.settings)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@router.get("/download_file/{job_id}/{file_id}/{name}")
def lt_download_file(job_id: str, file_id: IdPath, name: str, request: Request, db_url: DbUrlDep):
    """The job id (128 random bits) is the capability: LibreTranslate clients download without a key."""
    from liaison import audit

    response = _file_response(db_url, job_id, file_id, "output", expected_name=name)
    audit.record(db_url, actor="download-link", role="public", action="translation.download_output",
                 object_type="translation_file", object_id=file_id, source_ip=_client(request), detail={"job": job_id})
    return response


# -- jobs ------------------------------------------------------------------------------------------------

def _job_for(db_url: str, job_id: str, principal: Principal) -> dict:
    from translation.jobs import job_public

    job = job_public(db_url, job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    if principal.role != "admin":
        from translation.models import Job
        from liaison.db import session_scope

        with session_scope(db_url) as s:
            owner_id = s.get(Job, job_id).owner_id
        if owner_id != principal.id:
            raise HTTPException(404, "no such job")
    return job


def _file_response(db_url: str, job_id: str, file_id: int, kind: str, *, expected_name: str | None = None,
                   version: str = "2.0"):
    from liaison.db import session_scope
    from translation.models import Job, JobFile

    with session_scope(db_url) as s:
        job = s.get(Job, job_id)
        file = s.get(JobFile, file_id)
        if job is None or file is None or file.job_id != job_id:
            raise HTTPException(404, "no such file")
        if job.status == "expired":
            raise HTTPException(410, "deleted after the retention period")
        path = {"output": file.output_path, "report": file.report_path, "xliff": file.xliff_path}[kind]
        output_name = file.output_name
    if not path:
        raise HTTPException(404, f"no {kind} for this file (status {file.status})")
    path = Path(path)
    if kind == "xliff" and version == "1.2":
        path = path.with_suffix(".xliff")
    if expected_name is not None and expected_name != output_name:
        raise HTTPException(404, "no such file")
    if not path.is_file():
        raise HTTPException(410, "the file is no longer available")
    media = {"report": "application/json", "xliff": "application/xliff+xml"}.get(kind)
    return FileResponse(path, filename=path.name if kind != "output" else output_name, media_type=media)


@router.post("/v1/translation/jobs", status_code=202)
async def create_translation_job(request: Request, principal: TranslationPrincipal, settings: SettingsDep,
                                 db_url: DbUrlDep):
    """multipart: files (one or more), target, source (auto), engine (auto|argos|llm), xliff (bool),
    glossary (optional TSV/TBX file for this job)."""
    from translation.errors import TranslationError
    from translation.jobs import UploadedFile, create_job, job_public
    from translation.usage import refund, reserve

    tmp = Path(tempfile.mkdtemp(prefix="upload-", dir=settings.data_dir))
    try:
        _check_content_length(request, settings, settings.translation_max_files_per_job)
        form = await request.form()
        uploads = [f for f in form.getlist("files") + form.getlist("file") if hasattr(f, "read")]
        if not uploads:
            raise _LtFailure(400, "no file: send one or more `files` fields")
        if len(uploads) > settings.translation_max_files_per_job:
            raise _LtFailure(413, f"{len(uploads)} files; at most {settings.translation_max_files_per_job} per job")
        target = _languages(form.get("target"), allow_auto=False, field="target")
        source = _languages(form.get("source") or "auto", allow_auto=True, field="source")
        engine = form.get("engine") or settings.translation_engine
        if engine not in ("auto", "argos", "llm"):
            raise _LtFailure(400, f"engine must be auto, argos or llm, not {engine!r}")
        xliff = str(form.get("xliff", "")).lower() in ("1", "true", "yes", "on")
        files, chars = [], 0
        for index, upload in enumerate(uploads):
            folder = tmp / str(index)
            folder.mkdir()
            path = await _save_upload(upload, settings, folder)
            chars += await run_in_threadpool(_inspect, path, settings)
            files.append(UploadedFile(path.name, path))
        glossary_path = None
        glossary_upload = form.get("glossary")
        if glossary_upload is not None and hasattr(glossary_upload, "read"):
            folder = tmp / "glossary"
            folder.mkdir()
            glossary_path = await _save_upload(glossary_upload, settings, folder)
            # Bad lines are refused now (422 listing them), not after the job started. A TSV does not depend
            # on the languages; a TBX needs the source language to pick its terms.
            if source != "auto" or glossary_path.suffix.lower() not in (".tbx", ".xml"):
                from translation.glossary import load_glossary_file

                await run_in_threadpool(load_glossary_file, glossary_path, source if source != "auto" else "fr", target)
        event = reserve(db_url, settings, principal, client=_client(request), channel="job", source=source,
                        target=target, chars=chars)
        try:
            job_id = create_job(settings, db_url, owner_id=principal.id, owner=principal.username, files=files,
                                target=target, source=source, engine=engine, glossary=glossary_path, xliff=xliff,
                                chars=chars)
        except BaseException:
            refund(db_url, event)
            raise
        _runner(request, db_url).submit(job_id)
        _audit(db_url, principal, request, "translation.job_create", "translation_job", job_id,
               {"files": [f.name for f in files], "source": source, "target": target, "chars": chars})
        return job_public(db_url, job_id, base_url=str(request.base_url).rstrip("/"))
    except _LtFailure as exc:
        raise HTTPException(exc.code, exc.message) from None
    except TranslationError as exc:
        raise _http_error(exc) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@router.get("/v1/translation/jobs")
def list_translation_jobs(principal: TranslationPrincipal, db_url: DbUrlDep):
    from translation.jobs import list_jobs

    return list_jobs(db_url, None if principal.role == "admin" else principal.id)


@router.get("/v1/translation/jobs/{job_id}")
def get_translation_job(job_id: str, request: Request, principal: TranslationPrincipal, db_url: DbUrlDep):
    _job_for(db_url, job_id, principal)
    from translation.jobs import job_public

    return job_public(db_url, job_id, base_url=str(request.base_url).rstrip("/"))


@router.post("/v1/translation/jobs/{job_id}/cancel")
def cancel_translation_job(job_id: str, principal: TranslationPrincipal, db_url: DbUrlDep):
    from translation.jobs import job_public, request_cancel

    _job_for(db_url, job_id, principal)
    accepted = request_cancel(db_url, job_id)
    return {"cancel_requested": accepted, "job": job_public(db_url, job_id)}


@router.delete("/v1/translation/jobs/{job_id}")
def delete_translation_job(job_id: str, request: Request, principal: TranslationPrincipal, settings: SettingsDep,
                           db_url: DbUrlDep):
    from translation.jobs import delete_job_files, request_cancel

    job = _job_for(db_url, job_id, principal)
    if job["status"] in ("queued", "running"):
        request_cancel(db_url, job_id)
        raise HTTPException(409, "the job is running: cancel requested; delete it again once it stopped")
    delete_job_files(settings, db_url, job_id, status="expired")
    _audit(db_url, principal, request, "translation.job_delete", "translation_job", job_id)
    return {"deleted": job_id}


@router.get("/v1/translation/jobs/{job_id}/flags")
def job_flags(job_id: str, principal: TranslationPrincipal, db_url: DbUrlDep, flag: str | None = None,
              file_id: int | None = None):
    from translation.jobs import file_segments

    _job_for(db_url, job_id, principal)
    segments = file_segments(db_url, job_id, flag=flag, file_id=file_id)
    counts: dict[str, int] = {}
    for segment in segments:
        for item in segment["flags"]:
            counts[item["code"]] = counts.get(item["code"], 0) + 1
    return {"job": job_id, "counts": counts, "segments": segments}


@router.get("/v1/translation/jobs/{job_id}/files/{file_id}/{kind}")
def job_file_download(job_id: str, file_id: IdPath, kind: str, request: Request, principal: TranslationPrincipal,
                      db_url: DbUrlDep, version: str = "2.0"):
    if kind not in ("output", "report", "xliff"):
        raise HTTPException(404, "kind must be output, report or xliff")
    if version not in ("2.0", "1.2"):
        raise HTTPException(400, "version must be 2.0 or 1.2")
    _job_for(db_url, job_id, principal)
    response = _file_response(db_url, job_id, file_id, kind, version=version)
    _audit(db_url, principal, request, f"translation.download_{kind}", "translation_file", file_id, {"job": job_id})
    return response


@router.post("/v1/translation/jobs/{job_id}/files/{file_id}/xliff")
async def job_file_reimport(job_id: str, file_id: IdPath, request: Request, principal: EditorPrincipal,
                            settings: SettingsDep, db_url: DbUrlDep):
    """Re-import a post-edited XLIFF: segments changed or marked reviewed/final go into the memory as
    confirmed (who = the caller), and the file's translated document is rebuilt with them."""
    from translation.errors import TranslationError
    from translation.jobs import file_segments, job_public, run_job
    from translation.xliff import XliffMismatch, check_units, import_xliff, overrides_from, parse_xliff

    job = _job_for(db_url, job_id, principal)
    if job["status"] in ("expired", "queued", "running"):
        raise HTTPException(410 if job["status"] == "expired" else 409,
                            "the job's documents were deleted (retention)" if job["status"] == "expired"
                            else "the job is still running")
    if all(f["id"] != file_id for f in job["files"]):
        raise HTTPException(404, "no such file in this job")
    _cap_file_upload(request)
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise HTTPException(400, "send the XLIFF as a `file` field")
    data = await upload.read()
    translator = _translator(request, db_url)
    name = getattr(upload, "filename", None) or "file.xlf"
    try:
        parsed = await run_in_threadpool(parse_xliff, data, name)
        # Refused whole, before the memory is touched, when exported for another document or version.
        file_name = next(f["name"] for f in job["files"] if f["id"] == file_id)
        expected = [(seg["id"], seg["source"]) for seg in file_segments(db_url, job_id, file_id=file_id)]
        problems = check_units(parsed, expected, original=file_name)
        if problems:
            mismatch = XliffMismatch(name, problems)
            return JSONResponse(status_code=409, content={"detail": str(mismatch), "units": problems[:500]})
        await run_in_threadpool(import_xliff, translator.memory, None, by=principal.username, name=name,
                                parsed=parsed)
        status_after = await run_in_threadpool(run_job, settings, db_url, job_id, overrides=overrides_from(parsed),
                                               only_file=file_id)
    except TranslationError as exc:
        raise _http_error(exc) from None
    _audit(db_url, principal, request, "translation.xliff_reimport", "translation_file", file_id,
           {"job": job_id, "confirmed": parsed.confirmed})
    return {"import": parsed.to_public(), "rebuild": status_after,
            "job": job_public(db_url, job_id, base_url=str(request.base_url).rstrip("/"))}


# -- glossary ---------------------------------------------------------------------------------------------

@router.get("/v1/translation/glossary")
def get_glossary(principal: TranslationPrincipal, db_url: DbUrlDep, source: str, target: str):
    from translation.glossary import starter_glossary
    from translation.glossary_store import list_terms

    try:
        source = _languages(source, allow_auto=False, field="source")
        target = _languages(target, allow_auto=False, field="target")
    except _LtFailure as exc:
        raise HTTPException(exc.code, exc.message) from None
    return {"source": source, "target": target,
            "starter": [t.to_public() for t in starter_glossary(source, target).terms.values()],
            "custom": list_terms(db_url, source, target)}


@router.post("/v1/translation/glossary")
async def post_glossary(request: Request, principal: EditorPrincipal, db_url: DbUrlDep):
    """A TSV/TBX file (multipart: file, source, target) or JSON {source, target, terms: [{source, target,
    do_not_translate, accept, avoid, note}]}. All or nothing: one bad line rejects the upload (422 with
    every problem listed)."""
    from translation.errors import GlossaryError
    from translation.glossary import Glossary, GlossaryTerm, parse_tbx, parse_tsv
    from translation.glossary_store import save_terms

    content_type = request.headers.get("content-type", "")
    _cap_file_upload(request)
    try:
        if "multipart" in content_type:
            form = await request.form()
            source = _languages(form.get("source"), allow_auto=False, field="source")
            target = _languages(form.get("target"), allow_auto=False, field="target")
            upload = form.get("file")
            if upload is None or not hasattr(upload, "read"):
                raise _LtFailure(400, "send the glossary as a `file` field")
            name = getattr(upload, "filename", "glossary.tsv") or "glossary.tsv"
            data = await upload.read()
            if name.lower().endswith((".tbx", ".xml")):
                glossary = parse_tbx(data, source, target, origin=name)
            else:
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise _LtFailure(422, f"{name}: not UTF-8 text; save the glossary as UTF-8") from None
                glossary = parse_tsv(text, source, target, origin=name)
        else:
            body = await json_object(request)
            source = _languages(body.get("source"), allow_auto=False, field="source")
            target = _languages(body.get("target"), allow_auto=False, field="target")
            glossary = Glossary(source, target)
            problems = []
            terms = body.get("terms") or []
            if not isinstance(terms, list) or not all(isinstance(item, dict) for item in terms):
                raise _LtFailure(422, "terms must be a list of objects {source, target, ...}")
            for index, item in enumerate(terms):
                term_source = str(item.get("source", "")).strip()
                dnt = bool(item.get("do_not_translate"))
                term_target = term_source if dnt else str(item.get("target", "")).strip()
                if not term_source or not term_target:
                    problems.append(f"terms[{index}]: source and target (or do_not_translate) are required")
                    continue
                accept, avoid = item.get("accept") or [], item.get("avoid") or []
                if not isinstance(accept, list) or not isinstance(avoid, list):
                    problems.append(f"terms[{index}]: accept and avoid must be lists of strings")
                    continue
                glossary.add(GlossaryTerm(term_source, term_target, dnt, tuple(map(str, accept)),
                                          tuple(map(str, avoid)), str(item.get("note", "")), "api"))
            if problems or not glossary.terms:
                raise GlossaryError("invalid terms", problems or ["no terms given"])
    except _LtFailure as exc:
        raise HTTPException(exc.code, exc.message) from None
    except GlossaryError as exc:
        raise _http_error(exc) from None
    result = await run_in_threadpool(save_terms, db_url, glossary, by=principal.username)
    _translator(request, db_url).invalidate_glossaries()
    _audit(db_url, principal, request, "translation.glossary_update", "translation_glossary",
           f"{glossary.source_lang}-{glossary.target_lang}", result)
    return {"source": glossary.source_lang, "target": glossary.target_lang, **result}


@router.delete("/v1/translation/glossary/{term_id}")
def delete_glossary_term(term_id: IdPath, request: Request, principal: EditorPrincipal, db_url: DbUrlDep):
    from translation.glossary_store import delete_term

    if not delete_term(db_url, term_id):
        raise HTTPException(404, "no such term")
    _translator(request, db_url).invalidate_glossaries()
    _audit(db_url, principal, request, "translation.glossary_delete", "translation_glossary", term_id)
    return {"deleted": term_id}


# -- memory -------------------------------------------------------------------------------------------------

@router.get("/v1/translation/memory")
def get_memory(request: Request, principal: TranslationPrincipal, db_url: DbUrlDep, source: str, target: str,
               q: str | None = None, limit: int = 50, offset: OffsetQuery = 0, include_machine: bool = False):
    """With `q`: the best matches for that sentence (exact, placeable, fuzzy, with scores);
    without: the stored entries of the pair."""
    from translation.memory import VALIDATED, entry_public

    try:
        source = _languages(source, allow_auto=False, field="source")
        target = _languages(target, allow_auto=False, field="target")
    except _LtFailure as exc:
        raise HTTPException(exc.code, exc.message) from None
    memory = _translator(request, db_url).memory
    limit = max(1, min(limit, 500))
    if q:
        matches = []
        exact = memory.lookup_exact(source, target, [q])
        matches.extend(exact.values())
        placeable = memory.lookup_placeable(source, target, q)
        if placeable and all(m.entry_id != placeable.entry_id for m in matches):
            matches.append(placeable)
        for match in memory.fuzzy(source, target, q, limit=limit):
            if all(m.entry_id != match.entry_id for m in matches):
                matches.append(match)
        return {"query": q, "matches": [m.to_public() for m in matches[:limit]]}
    origins = VALIDATED + (("machine",) if include_machine else ())
    rows = memory.entries(source, target, origins=origins, limit=limit, offset=offset)
    return {"entries": [entry_public(r) for r in rows], "stats": memory.stats()}


@router.post("/v1/translation/memory")
async def confirm_memory(request: Request, principal: EditorPrincipal, db_url: DbUrlDep):
    """JSON {source, target, source_text, target_text}: a translator confirms a segment."""
    body = await json_object(request)
    try:
        source = _languages(body.get("source"), allow_auto=False, field="source")
        target = _languages(body.get("target"), allow_auto=False, field="target")
    except _LtFailure as exc:
        raise HTTPException(exc.code, exc.message) from None
    source_text, target_text = str(body.get("source_text", "")), str(body.get("target_text", ""))
    if not source_text.strip() or not target_text.strip():
        raise HTTPException(422, "source_text and target_text are required")
    memory = _translator(request, db_url).memory
    result = await run_in_threadpool(memory.confirm, source, target, source_text, target_text, by=principal.username)
    _audit(db_url, principal, request, "translation.memory_confirm", "translation_memory", result.entry_id,
           {"status": result.status})
    return {"status": result.status, "id": result.entry_id, "confirmed_by": principal.username}


@router.post("/v1/translation/memory/import")
async def import_memory(request: Request, principal: EditorPrincipal, db_url: DbUrlDep):
    """multipart: file (TMX, or a post-edited XLIFF), optional source/target to restrict the direction."""
    from translation.errors import TranslationError
    from translation.tmx import import_tmx
    from translation.xliff import import_xliff

    _cap_file_upload(request)
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise HTTPException(400, "send the TMX as a `file` field")
    name = getattr(upload, "filename", "memory.tmx") or "memory.tmx"
    data = await upload.read()
    memory = _translator(request, db_url).memory
    try:
        if name.lower().endswith((".xlf", ".xliff")):
            parsed = await run_in_threadpool(import_xliff, memory, data, by=principal.username, name=name)
            return {"format": "xliff", **parsed.to_public()}
        source = _languages(form.get("source"), allow_auto=False, field="source") if form.get("source") else None
        target = _languages(form.get("target"), allow_auto=False, field="target") if form.get("target") else None
        report = await run_in_threadpool(import_tmx, memory, data, by=principal.username, name=name,
                                         source_lang=source, target_lang=target)
        _audit(db_url, principal, request, "translation.memory_import", "translation_memory", name,
               {"added": report.added, "updated": report.updated})
    except _LtFailure as exc:
        raise HTTPException(exc.code, exc.message) from None
    except TranslationError as exc:
        raise _http_error(exc) from None
    return {"format": "tmx", **report.to_public()}


@router.get("/v1/translation/memory/export", response_class=Response,
            responses={200: {"content": {"application/x-tmx+xml": {}}, "description": "TMX 1.4 file"}})
def export_memory(request: Request, principal: TranslationPrincipal, db_url: DbUrlDep, source: str | None = None,
                  target: str | None = None, include_machine: bool = False):
    from translation.tmx import export_tmx

    try:
        source = _languages(source, allow_auto=False, field="source") if source else None
        target = _languages(target, allow_auto=False, field="target") if target else None
    except _LtFailure as exc:
        raise HTTPException(exc.code, exc.message) from None
    data = export_tmx(_translator(request, db_url).memory, source, target, include_machine=include_machine)
    name = f"liaison-memory-{source or 'all'}-{target or 'all'}.tmx"
    return Response(data, media_type="application/x-tmx+xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# -- engines and usage ------------------------------------------------------------------------------------

@router.get("/v1/translation/engines")
def list_engines(request: Request, principal: TranslationPrincipal, db_url: DbUrlDep):
    from translation.engines import ENGINE_NAMES, build_engine

    translator = _translator(request, db_url)
    out = []
    for name in ENGINE_NAMES:
        engine = translator._engines.get(name) or build_engine(name, request.app.state.settings,
                                                                chat_model=translator.chat_model)
        out.append(engine.info().to_public())
    return {"default": request.app.state.settings.translation_engine, "engines": out}


@router.get("/v1/translation/usage")
def usage(request: Request, principal: TranslationPrincipal, settings: SettingsDep, db_url: DbUrlDep):
    from translation.usage import daily_limit, used_today

    used = used_today(db_url, principal, _client(request))
    limit = daily_limit(principal, settings)
    return {"user": principal.username, "used_today": used, "daily_limit": limit,
            "remaining": None if limit is None else max(0, limit - used)}
