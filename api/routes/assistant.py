"""Assistant API: /v1/ask (JSON or server-sent events), /v1/feedback, /v1/inquiries (handover and
officer routes). The OpenAI-compatible /v1/chat/completions is in api/routes/openai_compat.py."""
from __future__ import annotations

import json
import time
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.deps import DbUrlDep, RateLimitedPrincipal, SettingsDep, require_role
from api.validation import MAX_OFFSET
from assistant.schemas import (AskRequest, AskResponse, FeedbackCreate, InquiryAnswer, InquiryClose, InquiryCreate,
                               InquiryPublic, Message)
from liaison.accounts import Principal

router = APIRouter(tags=["assistant"])
Officer = Depends(require_role("officer", "supervisor", "agent"))
OfficerOnly = Depends(require_role("officer", "supervisor"))


def _service(request: Request, db_url: str):
    service = getattr(request.app.state, "assistant_service", None)
    if service is None:
        from assistant.service import AssistantService

        service = request.app.state.assistant_service = AssistantService(request.app.state.settings, db_url=db_url)
    return service


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def _ask_error(exc: Exception) -> HTTPException:
    from assistant.kb_access import KnowledgeBaseUnavailable

    if isinstance(exc, KnowledgeBaseUnavailable):
        return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc))
    return HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc))


@router.post("/v1/ask", response_model=AskResponse, summary="Ask a question (grounded, cited answer)",
             responses={200: {"content": {"text/event-stream": {}},
                              "description": "JSON answer, or with stream=true / Accept: text/event-stream: events "
                                             "`delta` {text} (several), `citations` [...], `done` {answer}; "
                                             "`error` {detail} on failure."},
                        422: {"description": "bad input (empty/too long question, binary data, unknown language or "
                                             "filter key)"},
                        429: {"description": "anonymous rate limit reached"}})
async def ask(body: AskRequest, request: Request, db_url: DbUrlDep, _principal: RateLimitedPrincipal):
    """Answers from the knowledge base only, every sentence followed by its citation [n]; says so when the
    texts do not answer (`abstained`) and suggests a handover. `session_id` keeps the (masked) conversation
    on the server so follow-ups ("et pour la Polynésie ?") work without sending `history`."""
    from assistant.kb_access import KnowledgeBaseUnavailable
    from assistant.service import AskError

    service = _service(request, db_url)
    wants_stream = body.stream or "text/event-stream" in request.headers.get("accept", "")
    if not wants_stream:
        try:
            result = await run_in_threadpool(service.ask, body)
        except (AskError, KnowledgeBaseUnavailable) as exc:
            raise _ask_error(exc) from exc
        return result.response

    def events():
        try:
            for event, data in service.stream(body):
                yield _sse(event, data)
        except (AskError, KnowledgeBaseUnavailable) as exc:
            yield _sse("error", {"detail": str(exc)})
        except Exception:  # the stream has started: report in-band, never a broken connection
            import logging

            logging.getLogger("liaison.api").exception("streaming answer failed")
            yield _sse("error", {"detail": "internal error; the incident was logged"})

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


class IdOut(BaseModel):
    id: str


@router.post("/v1/feedback", status_code=201, response_model=IdOut, summary="Was the answer useful?")
def feedback(body: FeedbackCreate, db_url: DbUrlDep, _principal: RateLimitedPrincipal) -> IdOut:
    from assistant.feedback import UnknownAnswer, record_feedback

    try:
        return IdOut(id=record_feedback(db_url, body))
    except UnknownAnswer as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


class InquiryCreated(BaseModel):
    reference: str
    id: int
    status: str


@router.post("/v1/inquiries", status_code=201, response_model=InquiryCreated, tags=["inquiries"],
             summary="Hand over to a person (creates an inquiry with the conversation)")
def create_inquiry(body: InquiryCreate, settings: SettingsDep, db_url: DbUrlDep,
                   _principal: RateLimitedPrincipal) -> InquiryCreated:
    """Give `session_id` (the server attaches the masked conversation) or a `transcript`, and contact details
    so an officer can reply. Returns the reference to quote (INQ-YYYY-NNNNNN)."""
    from assistant.inquiries import create_inquiry as create

    inquiry = create(db_url, body, settings=settings)
    return InquiryCreated(reference=inquiry.reference, id=inquiry.id, status=inquiry.status)


@router.get("/v1/inquiries", response_model=list[InquiryPublic], tags=["inquiries"], summary="Inquiry queue (staff)")
def list_inquiries(db_url: DbUrlDep, settings: SettingsDep, principal: Principal = Officer,
                   status_: Literal["open", "answered", "closed"] | None = Query(None, alias="status"),
                   limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> list[InquiryPublic]:
    from assistant.inquiries import list_inquiries as list_

    return list_(db_url, status_, limit=limit, offset=offset, settings=settings)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/v1/inquiries/{reference}", response_model=InquiryPublic, tags=["inquiries"],
            summary="One inquiry (masked; reveal=true shows personal data and is audited)")
def get_inquiry(reference: str, request: Request, db_url: DbUrlDep, settings: SettingsDep, principal: Principal = Officer,
                reveal: bool = False) -> InquiryPublic:
    from assistant.inquiries import InquiryNotFound, get_inquiry as get

    if reveal and principal.role not in ("officer", "supervisor", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role!r} may not reveal personal data")
    try:
        return get(db_url, reference, reveal=reveal, actor=principal, source_ip=_client_ip(request), settings=settings)
    except InquiryNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


def _change(func, reference: str, text: str, principal: Principal, request: Request, db_url: str) -> InquiryPublic:
    from assistant.inquiries import InquiryNotFound, InquiryStateError

    try:
        return func(db_url, reference, text, principal, source_ip=_client_ip(request),
                    settings=request.app.state.settings)
    except InquiryNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except InquiryStateError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    except ValueError as exc:  # blank answer or reason (only spaces): found by schemathesis as a 500
        raise HTTPException(422, str(exc)) from exc


@router.post("/v1/inquiries/{reference}/answer", response_model=InquiryPublic, tags=["inquiries"])
def answer_inquiry(reference: str, body: InquiryAnswer, request: Request, db_url: DbUrlDep,
                   principal: Principal = OfficerOnly) -> InquiryPublic:
    from assistant.inquiries import answer_inquiry as answer

    return _change(answer, reference, body.message, principal, request, db_url)


@router.post("/v1/inquiries/{reference}/close", response_model=InquiryPublic, tags=["inquiries"])
def close_inquiry(reference: str, body: InquiryClose, request: Request, db_url: DbUrlDep,
                  principal: Principal = OfficerOnly) -> InquiryPublic:
    from assistant.inquiries import close_inquiry as close

    return _change(close, reference, body.reason, principal, request, db_url)
