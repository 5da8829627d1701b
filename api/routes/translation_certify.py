"""Certified translations (article R767-2, 8°): submit, check segment by segment (four-eyes), certify,
download; and the public verification of a certificate by reference number and checksum.

    POST /v1/translation/certifications                       multipart: source + translation files
                                                              (target, source languages, translator), or
                                                              form job_id + file_id (a job's output)
    GET  /v1/translation/certifications/{ref}                 the review, with its segments
    POST /v1/translation/certifications/{ref}/check           {"positions": [...], "comment": "..."}
    POST /v1/translation/certifications/{ref}/certify         appends the certificate page
    GET  /v1/translation/certifications/{ref}/download        the certified document
    GET  /v1/translation/certificates/{ref}[?sha256=...]      public: anyone holding the document
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from api.deps import DbUrlDep, SettingsDep
from api.routes.translation import EditorPrincipal, _audit, _job_for, _languages, _LtFailure

router = APIRouter(tags=["translation"])


def _fail(exc) -> HTTPException:
    return HTTPException(getattr(exc, "status_code", 400), str(exc))


@router.post("/v1/translation/certifications", status_code=201)
async def submit_for_certification(request: Request, principal: EditorPrincipal, settings: SettingsDep,
                                   db_url: DbUrlDep):
    from translation.certify import CertificationError, open_review
    from translation.jobs import file_segments

    form = await request.form()
    tmp = Path(tempfile.mkdtemp(prefix="certify-", dir=settings.data_dir))
    try:
        if form.get("job_id"):
            job_id = str(form.get("job_id"))
            job = _job_for(db_url, job_id, principal)
            try:
                file_id = int(form.get("file_id") or job["files"][0]["id"])
            except (ValueError, IndexError):
                raise HTTPException(400, "file_id must be the id of a file of the job") from None
            from liaison.db import session_scope
            from translation.models import JobFile

            with session_scope(db_url) as s:
                row = s.get(JobFile, file_id)
                if row is None or row.job_id != job_id or not row.output_path:
                    raise HTTPException(404, "no translated file with this id in the job")
                source, translation, name = Path(row.input_path), Path(row.output_path), row.name
                source_lang = row.detected_lang or job["source"]
            named_source = tmp / name
            from liaison.sealed_files import read_sealed

            named_source.write_bytes(read_sealed(settings, source))  # uploads are encrypted at rest
            segments = [(seg["id"], seg["source"], seg["target"] or "")
                        for seg in file_segments(db_url, job_id, file_id=file_id)]
            translator = job["owner"] if "owner" in job else principal.username
            result = await run_in_threadpool(
                open_review, settings, db_url, source=named_source, translation=translation,
                source_lang=source_lang, target_lang=job["target"], translator=translator,
                submitted_by=principal.username, segments=segments, job_id=job_id)
        else:
            uploads = {}
            for field in ("source", "translation"):
                upload = form.get(field)
                if upload is None or not hasattr(upload, "read"):
                    raise HTTPException(400, "send the `source` and `translation` files (or job_id and file_id)")
                path = tmp / field / Path(upload.filename or field).name
                path.parent.mkdir()
                path.write_bytes(await upload.read())
                uploads[field] = path
            try:
                source_lang = _languages(form.get("source_lang"), allow_auto=False, field="source_lang")
                target_lang = _languages(form.get("target_lang"), allow_auto=False, field="target_lang")
            except _LtFailure as exc:
                raise HTTPException(exc.code, exc.message) from None
            translator = str(form.get("translator") or principal.username)
            result = await run_in_threadpool(
                open_review, settings, db_url, source=uploads["source"], translation=uploads["translation"],
                source_lang=source_lang, target_lang=target_lang, translator=translator,
                submitted_by=principal.username)
    except CertificationError as exc:
        raise _fail(exc) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _audit(db_url, principal, request, "translation.certification_submit", "translation_certification",
           result["reference"], {"translator": result["translator"], "segments": result["segments_total"]})
    return result


@router.get("/v1/translation/certifications/{reference}")
def get_certification(reference: str, principal: EditorPrincipal, db_url: DbUrlDep):
    from translation.certify import CertificationError, review_public

    try:
        return review_public(db_url, reference)
    except CertificationError as exc:
        raise _fail(exc) from None


@router.post("/v1/translation/certifications/{reference}/check")
async def check_certification_segments(reference: str, request: Request, principal: EditorPrincipal,
                                       db_url: DbUrlDep):
    from translation.certify import CertificationError, check_segments

    from api.validation import json_object

    body = await json_object(request)
    positions = body.get("positions") if isinstance(body, dict) else None
    if not isinstance(positions, list) or not positions or not all(isinstance(p, int) for p in positions):
        raise HTTPException(400, "send {\"positions\": [0, 1, ...]}: the segments you checked, each named")
    try:
        result = check_segments(db_url, reference, positions, certifier=principal.username, role=principal.role,
                                comment=body.get("comment"))
    except CertificationError as exc:
        raise _fail(exc) from None
    _audit(db_url, principal, request, "translation.certification_check", "translation_certification", reference,
           {"positions": positions[:200]})
    return result


@router.post("/v1/translation/certifications/{reference}/certify")
async def certify_translation(reference: str, request: Request, principal: EditorPrincipal, settings: SettingsDep,
                              db_url: DbUrlDep):
    from translation.certify import CertificationError, certify

    try:
        result = await run_in_threadpool(certify, settings, db_url, reference, certifier=principal.username,
                                         role=principal.role)
    except CertificationError as exc:
        raise _fail(exc) from None
    _audit(db_url, principal, request, "translation.certify", "translation_certification", reference,
           {"source_sha256": result["source_sha256"], "translation_sha256": result["translation_sha256"],
            "certified_sha256": result["certified_sha256"], "translator": result["translator"]})
    base = str(request.base_url).rstrip("/")
    return {**result, "download_url": f"{base}/v1/translation/certifications/{reference}/download",
            "verify_url": f"{base}/v1/translation/certificates/{reference}"}


@router.get("/v1/translation/certifications/{reference}/download")
def download_certified(reference: str, request: Request, principal: EditorPrincipal, db_url: DbUrlDep):
    from liaison.db import session_scope
    from translation.certify import CertificationError
    from translation.models import Certification

    with session_scope(db_url) as s:
        from sqlalchemy import select

        record = s.scalar(select(Certification).where(Certification.reference == reference))
        if record is None or record.status != "certified" or not record.certified_path:
            raise _fail(CertificationError(f"no certified translation {reference!r}", 404))
        path, name = Path(record.certified_path), record.translation_name
    _audit(db_url, principal, request, "translation.certification_download", "translation_certification", reference)
    return FileResponse(path, filename=f"{Path(name).stem}.certified{path.suffix}")


@router.get("/v1/translation/certificates/{reference}")
def verify_certificate(reference: str, db_url: DbUrlDep, sha256: str | None = None):
    """Public: what the certificate says, and with ?sha256= whether a file is the certified one."""
    from translation.certify import CertificationError, certificate_public

    try:
        certificate = certificate_public(db_url, reference)
    except CertificationError as exc:
        raise _fail(exc) from None
    if sha256 is not None:
        certificate["match"] = sha256.strip().lower() == certificate["certified_sha256"]
    return certificate
