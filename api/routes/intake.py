"""Request intake: applicable-instrument helper, cases (forms, workflow, assignment, comments, messages,
attachments, decision letters, audit), public form pages (/forms/...) and console pages (/console/cases...).

Service: intake/service.py. Authorisation: staff (officer, supervisor, admin) see all cases; an
applicant only their own (account or secret case link: `X-Case-Key` header or `key` query parameter).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.deps import DbUrlDep, RateLimitedPrincipal, SettingsDep, require_role
from api.validation import ApiDate, ApiDateTime, IdPath, date_query
from intake.errors import Invalid
from intake.http import ActorDep, IntakeRoute, ServiceDep, pick_lang
from intake.schemas import (
    AttachmentPublic,
    CaseAction,
    CaseAssign,
    CaseCreate,
    CaseCreated,
    CasePublic,
    CaseUpdate,
    CaseValidate,
    NoteCreate,
    QueuePage,
)
from liaison.accounts import Principal

router = APIRouter(route_class=IntakeRoute)
api = APIRouter(prefix="/v1", tags=["intake"], route_class=IntakeRoute)

RefPath = Annotated[str, Path(max_length=20, description="case reference, e.g. CT-7K3F-9Q2M",
                              examples=["CT-7K3F-9Q2M"])]
Supervisor = Annotated[Principal, Depends(require_role("supervisor"))]
StatsReader = Annotated[Principal, Depends(require_role("statistician", "supervisor"))]
Staff = Annotated[Principal, Depends(require_role("officer", "supervisor"))]
ACTION_NAMES = ("submit", "start_review", "request_information", "provide_information", "propose_decision",
                "approve", "return_proposal", "withdraw", "close", "reopen", "request_other_state",
                "record_other_state_reply")


def _public_actor(request: Request, principal: RateLimitedPrincipal):
    from intake.http import get_actor

    return get_actor(request, principal)


PublicActorDep = Annotated[object, Depends(_public_actor)]


# ---- applicable-instrument helper ----------------------------------------------------------------

@api.get("/applicable", summary="Applicable instrument, maximum duration, route and sources",
         responses={200: {"content": {"application/json": {"example": {
             "instrument": {"id": "eu-883-2004-employed", "name": "EU coordination: Regulation (EC) No 883/2004 (EU, EEA, Switzerland)",
                            "legal_reference": "Regulation (EC) No 883/2004, art. 12(1); art. 16 (exceptions); ..."},
             "max_months": 24, "requested_months": 30.0, "exceeds_max": True, "route": "exception",
             "check_the_agreement": False,
             "sources": [{"instrument": "EU coordination: ...", "article": "table ..., row EU regulations",
                          "root": "shared", "path": "facts/posting-durations-cleiss-2015.md",
                          "ref": "posting-durations-cleiss-2015.md", "evidences": "max"}]}}}}})
def get_applicable(
    request: Request,
    _caller: PublicActorDep,
    home: Annotated[str, Query(max_length=2, examples=["FR"], description="state of usual work / affiliation")],
    work: Annotated[str, Query(max_length=2, examples=["DE"], description="state or territory of work")],
    status: Annotated[str, Query(max_length=20, examples=["employed"],
                                 description="employed | self_employed (self-employed) | civil_servant | student | seafarer | flight_crew")],
    start: Annotated[ApiDate, date_query(examples=["2026-01-01"])],
    end: Annotated[ApiDate, date_query(examples=["2028-07-01"])],
    nationality: Annotated[str | None, Query(max_length=5, description="ISO code or group fr|eu|third")] = None,
    previous_months: Annotated[float, Query(ge=0, le=600)] = 0.0,
    lang: Annotated[str | None, Query(pattern="^(fr|en)$")] = None,
    previous_end: Annotated[dt.date | None, Query(description="last day of the previous posting to the same state")] = None,
) -> dict[str, Any]:
    from intake.rules import RulesError, applicable

    try:
        return applicable(home, work, status, start, end, nationality=nationality, previous_months=previous_months,
                          previous_end=previous_end, lang=pick_lang(request, lang)).to_dict()
    except RulesError as exc:
        raise Invalid(str(exc), code="applicable_invalid") from exc


@api.get("/rules/instruments", summary="The rules table (instruments, durations, sources)")
def get_instruments() -> dict[str, Any]:
    from dataclasses import asdict

    from intake.rules import load_rules

    return {"instruments": [asdict(i) for i in load_rules().instruments]}


# ---- cases ---------------------------------------------------------------------------------------

@api.post("/cases/validate", summary="Check a form without saving it (field errors in French and English)")
def validate_case(request: Request, body: CaseValidate, service: ServiceDep, _caller: PublicActorDep) -> dict[str, Any]:
    lang = pick_lang(request, body.lang)
    result = service.validate(body.case_type, body.form.as_dict(), full=body.full,
                              attachment_kinds=set(body.attachment_kinds), lang=lang)
    return result.to_dict(lang)


def _decode_attachments(body: CaseCreate):
    from intake.service import NewAttachment

    out = []
    for i, a in enumerate(body.attachments):
        try:
            data = base64.b64decode(a.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Invalid(f"attachments[{i}].content_base64 is not valid base64", code="attachment_base64") from exc
        out.append(NewAttachment(a.kind, a.filename, data))
    return out


@api.post("/cases", status_code=201, response_model=CaseCreated,
          summary="Create a case (draft, or submitted with submit=true); replay-safe with Idempotency-Key",
          responses={201: {"description": "created (or the earlier case, when the Idempotency-Key was already used "
                                          "for the same request: replayed=true, status 200)"},
                     409: {"description": "Idempotency-Key reused for a different request"},
                     422: {"description": "field errors, each with messages in French and English"},
                     503: {"description": "database unavailable: nothing was saved, retry with the same key"}})
def create_case(
    request: Request, body: CaseCreate, service: ServiceDep, actor: PublicActorDep, settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
):
    lang = pick_lang(request, body.lang)
    view, key, replayed = service.create_case(actor, body.case_type, body.form.as_dict(), submit=body.submit,
                                              attachments=_decode_attachments(body), idempotency_key=idempotency_key,
                                              lang=lang)
    view = dict(view, access_key=key, replayed=replayed,
                access_link=f"{settings.public_base_url}/forms/cases/{view['reference']}?key={key}" if key else None)
    if replayed:
        return JSONResponse(CaseCreated.model_validate(view).model_dump(mode="json"), status_code=200)
    return view


@api.get("/cases", response_model=QueuePage, summary="Queue (staff: all cases; applicant: own cases), masked")
def list_cases(
    service: ServiceDep, actor: ActorDep,
    status: Annotated[list[str] | None, Query(description="repeatable: submitted, in_review, ...")] = None,
    case_type: Annotated[str | None, Query(pattern="^(continuation|exemption)$")] = None,
    assigned_to: Annotated[str | None, Query(max_length=120, description="username, 'me' or 'none'")] = None,
    team: Annotated[str | None, Query(max_length=60)] = None,
    work_country: Annotated[str | None, Query(max_length=2)] = None,
    route: Annotated[str | None, Query(pattern="^(standard|exception|check|not_applicable)$")] = None,
    deadline_before: Annotated[ApiDate | None, date_query()] = None,
    overdue: bool = False,
    q: Annotated[str | None, Query(max_length=100, description="reference, SIRET or employer name")] = None,
    sort: Annotated[str, Query(pattern="^(deadline|created|updated|reference)$")] = "deadline",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
):
    return service.list_cases(actor, status=status, case_type=case_type, assigned_to=assigned_to, team=team,
                              work_country=work_country, route=route, deadline_before=deadline_before,
                              overdue=overdue, q=q, sort=sort, page=page, per_page=per_page)


@api.get("/cases/{reference}", response_model=CasePublic, summary="One case with its personal data (read is audited)")
def get_case(reference: RefPath, service: ServiceDep, actor: ActorDep):
    return service.get_case(actor, reference)


@api.patch("/cases/{reference}", response_model=CasePublic,
           summary="Edit the form (draft, or during review); `version` must match (409 otherwise)")
def update_case(request: Request, reference: RefPath, body: CaseUpdate, service: ServiceDep, actor: ActorDep):
    return service.update_case(actor, reference, body.form.as_dict(), version=body.version,
                               lang=pick_lang(request, body.lang))


@api.post("/cases/{reference}/actions/{action}", response_model=CasePublic,
          summary="Workflow step: submit, start_review, request_information, provide_information, "
                  "propose_decision, approve, return_proposal, withdraw, close, reopen, request_other_state "
                  "(EESSI A001 sent), record_other_state_reply (A002/A011 received)",
          responses={403: {"description": "role may not do this (or four-eyes rule)"},
                     409: {"description": "not allowed from the current status, or stale version"}})
def act(
    request: Request, reference: RefPath, body: CaseAction, service: ServiceDep, actor: ActorDep,
    action: Annotated[str, Path(pattern="^(" + "|".join(ACTION_NAMES) + ")$")],
):
    return service.act(actor, reference, action, version=body.version, message=body.message,
                       reason_code=body.reason_code, decision=body.decision, period_start=body.period_start,
                       period_end=body.period_end, conditions=body.conditions, legal_basis=body.legal_basis,
                       sed=body.sed, exchanged_on=body.exchanged_on, lang=pick_lang(request))


@api.post("/cases/{reference}/assign", response_model=CasePublic, summary="Assign to an officer and/or a team")
def assign(reference: RefPath, body: CaseAssign, service: ServiceDep, actor: ActorDep):
    return service.assign(actor, reference, version=body.version, assigned_to=body.assigned_to, team=body.team)


@api.get("/cases/{reference}/history", summary="Full history (applicants see the events meant for them)")
def history(reference: RefPath, service: ServiceDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.history(actor, reference)


@api.get("/cases/{reference}/comments", summary="Internal comments (staff)")
def list_comments(reference: RefPath, service: ServiceDep, actor: ActorDep, _staff: Staff) -> list[dict[str, Any]]:
    return service.history(actor, reference, kinds=("comment",))


@api.post("/cases/{reference}/comments", status_code=201, summary="Add an internal comment (staff)")
def add_comment(reference: RefPath, body: NoteCreate, service: ServiceDep, actor: ActorDep, _staff: Staff):
    return service.add_note(actor, reference, body.text, internal=True)


@api.get("/cases/{reference}/messages", summary="Messages between the applicant and the centre")
def list_messages(reference: RefPath, service: ServiceDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.history(actor, reference, kinds=("message",))


@api.post("/cases/{reference}/messages", status_code=201, summary="Send a message (applicant <-> centre)")
def add_message(reference: RefPath, body: NoteCreate, service: ServiceDep, actor: ActorDep):
    return service.add_note(actor, reference, body.text, internal=False)


@api.get("/cases/{reference}/attachments", response_model=list[AttachmentPublic], summary="Attachments of a case")
def list_attachments(reference: RefPath, service: ServiceDep, actor: ActorDep):
    return service.list_attachments(actor, reference)


@api.post("/cases/{reference}/attachments", status_code=201, response_model=AttachmentPublic,
          summary="Upload an attachment (type from content: PDF, PNG, JPEG; size limit; optional virus scan)")
async def upload_attachment(
    reference: RefPath, service: ServiceDep, actor: ActorDep, settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form(max_length=40, examples=["posting_letter"])] = "supporting_document",
):
    from starlette.concurrency import run_in_threadpool

    data = await file.read(settings.intake_attachment_max_bytes + 1)
    return await run_in_threadpool(service.add_attachment, actor, reference, kind, file.filename or "", data)


@api.get("/cases/{reference}/attachments/{attachment_id}", summary="Download an attachment (read is audited)",
         response_class=Response)
def download_attachment(reference: RefPath, attachment_id: IdPath, service: ServiceDep, actor: ActorDep):
    meta, data = service.read_attachment(actor, reference, attachment_id)
    safe = "".join(c for c in meta["filename"] if c.isalnum() or c in "._-")[:100] or "attachment"
    return Response(data, media_type=meta["content_type"], headers={
        "Content-Disposition": f'attachment; filename="{safe}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store", "X-Checksum-SHA256": meta["sha256"]})


@api.get("/cases/{reference}/letter", summary="Decision letter (French or English, HTML or PDF)",
         response_class=Response, responses={200: {"content": {"application/pdf": {}, "text/html": {}}}})
def letter(
    reference: RefPath, service: ServiceDep, actor: ActorDep,
    lang: Annotated[str, Query(pattern="^(fr|en)$")] = "fr",
    format: Annotated[str, Query(pattern="^(html|pdf)$")] = "pdf",
):
    body, media = service.letter(actor, reference, lang, format)
    headers = {"Cache-Control": "no-store"}
    if format == "pdf":
        headers["Content-Disposition"] = f'inline; filename="decision-{reference}-{lang}.pdf"'
    return Response(body, media_type=media, headers=headers)


@api.get("/cases/{reference}/audit", summary="Audit entries of one case (supervisors)")
def case_audit(reference: RefPath, db_url: DbUrlDep, who: Supervisor, request: Request) -> list[dict[str, Any]]:
    from liaison import audit

    rows = audit.entries(db_url, object_type="case", object_id=reference)
    audit.record(db_url, actor=who.username, role=who.role, action="audit.read", object_type="case",
                 object_id=reference, source_ip=request.client.host if request.client else "")
    return [r.__dict__ for r in rows]


@api.get("/intake/audit/export", summary="Audit log export for supervisors (CSV or JSON)",
         response_class=Response, responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
def audit_export(
    db_url: DbUrlDep, who: Supervisor, request: Request,
    since: Annotated[ApiDateTime | None, Query()] = None,
    actor: Annotated[str | None, Query(max_length=120)] = None,
    object_type: Annotated[str | None, Query(max_length=40, description="default: case")] = "case",
    format: Annotated[str, Query(pattern="^(csv|json)$")] = "csv",
):
    from liaison import audit

    rows = audit.entries(db_url, object_type=object_type or None, actor=actor, since=since, limit=1_000_000)
    audit.record(db_url, actor=who.username, role=who.role, action="audit.export", object_type="audit",
                 object_id=object_type or "*", source_ip=request.client.host if request.client else "",
                 detail={"rows": len(rows), "since": since, "actor": actor})
    if format == "json":
        return JSONResponse([{**r.__dict__, "at": r.at.isoformat()} for r in rows])
    return PlainTextResponse(audit.export_csv(rows), media_type="text/csv",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


@api.post("/intake/reminders", summary="Record reminders for deadlines due soon (supervisors; also `liaison cases remind`)")
def reminders(service: ServiceDep, actor: ActorDep, _who: Supervisor) -> dict[str, Any]:
    return {"reminders": service.run_reminders(actor)}


@api.get("/intake/activity", summary="Case activity for statistics (counts by type, outcome, country; processing days)")
def activity(
    db_url: DbUrlDep, _who: StatsReader,
    start: Annotated[ApiDate, date_query(examples=["2026-01-01"])],
    end: Annotated[ApiDate, date_query(examples=["2026-12-31"])],
) -> dict[str, Any]:
    from intake.activity import activity_summary

    if end < start:
        raise Invalid("end must not be before start", code="dates_order")
    return activity_summary(db_url, start, end)


router.include_router(api)

from intake.web.pages import router as _pages  # noqa: E402  (pages share this module's router)

router.include_router(_pages)
