"""Assistant API: /v1/ask (JSON or server-sent events), /v1/feedback, /v1/inquiries (handover and
officer routes) and an OpenAI-compatible /v1/chat/completions that returns the cited sources."""
from __future__ import annotations

import json
import time
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.deps import DbUrlDep, RateLimitedPrincipal, SettingsDep, require_role
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
def create_inquiry(body: InquiryCreate, db_url: DbUrlDep, _principal: RateLimitedPrincipal) -> InquiryCreated:
    """Give `session_id` (the server attaches the masked conversation) or a `transcript`, and contact details
    so an officer can reply. Returns the reference to quote (INQ-YYYY-NNNNNN)."""
    from assistant.inquiries import create_inquiry as create

    inquiry = create(db_url, body)
    return InquiryCreated(reference=inquiry.reference, id=inquiry.id, status=inquiry.status)


@router.get("/v1/inquiries", response_model=list[InquiryPublic], tags=["inquiries"], summary="Inquiry queue (staff)")
def list_inquiries(db_url: DbUrlDep, principal: Principal = Officer,
                   status_: Literal["open", "answered", "closed"] | None = Query(None, alias="status"),
                   limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)) -> list[InquiryPublic]:
    from assistant.inquiries import list_inquiries as list_

    return list_(db_url, status_, limit=limit, offset=offset)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/v1/inquiries/{reference}", response_model=InquiryPublic, tags=["inquiries"],
            summary="One inquiry (masked; reveal=true shows personal data and is audited)")
def get_inquiry(reference: str, request: Request, db_url: DbUrlDep, principal: Principal = Officer,
                reveal: bool = False) -> InquiryPublic:
    from assistant.inquiries import InquiryNotFound, get_inquiry as get

    if reveal and principal.role not in ("officer", "supervisor", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role!r} may not reveal personal data")
    try:
        return get(db_url, reference, reveal=reveal, actor=principal, source_ip=_client_ip(request))
    except InquiryNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


def _change(func, reference: str, text: str, principal: Principal, request: Request, db_url: str) -> InquiryPublic:
    from assistant.inquiries import InquiryNotFound, InquiryStateError

    try:
        return func(db_url, reference, text, principal, source_ip=_client_ip(request))
    except InquiryNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except InquiryStateError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc


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


# --- OpenAI-compatible chat completions ------------------------------------------------------------
class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict] | None = None


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "model": "liaison", "messages": [{"role": "user", "content": "Combien de temps dure un détachement hors UE ?"}]}]})
    model: str = "liaison"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    user: str | None = None


def _content(message: ChatMessage) -> str:
    if isinstance(message.content, list):
        return "".join(part.get("text", "") for part in message.content if isinstance(part, dict))
    return message.content or ""


def _chat_request(body: ChatCompletionRequest) -> AskRequest:
    # System/developer messages are ignored on purpose: callers cannot change the assistant's rules.
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "the last message must be a user message")
    history = [Message(role=m.role, content=_content(m)[:20_000]) for m in turns[:-1]][-20:]
    engine = "llm" if "llm" in body.model.lower() else None
    try:
        return AskRequest(question=_content(turns[-1]), history=history or None, engine=engine)
    except ValidationError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from exc


def _usage(body: ChatCompletionRequest, content: str) -> dict:
    # Whitespace-separated words: the extractive engine has no tokenizer; close enough for quotas.
    prompt = sum(len(_content(m).split()) for m in body.messages)
    completion = len(content.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _sources_text(response: AskResponse) -> str:
    if not response.citations:
        return ""
    lines = [f"[{c.n}] {c.title} — {c.path} # {c.ref}" for c in response.citations]
    return "\n\nSources:\n" + "\n".join(lines)


@router.post("/v1/chat/completions", tags=["openai-compatible"],
             summary="OpenAI-compatible chat completions (answers cite their sources)")
async def chat_completions(body: ChatCompletionRequest, request: Request, db_url: DbUrlDep,
                           _principal: RateLimitedPrincipal):
    """Use any OpenAI client with `base_url=<server>/v1`. The last user message is the question, earlier
    user/assistant messages the conversation. The answer text ends with the sources; the structured
    citations are in the `citations` field of the response (and of the last streamed chunk).
    Model `liaison` (extractive, default) or `liaison-llm`."""
    from assistant.kb_access import KnowledgeBaseUnavailable
    from assistant.service import AskError

    ask_request = _chat_request(body)
    service = _service(request, db_url)
    created = int(time.time())
    try:
        result = await run_in_threadpool(service.ask, ask_request, channel="chat")
    except (AskError, KnowledgeBaseUnavailable) as exc:
        raise _ask_error(exc) from exc
    response = result.response
    content = response.answer + (f"\n\n{response.notice}" if response.notice else "") + _sources_text(response)
    citations = [c.model_dump() for c in response.citations]
    completion_id = f"chatcmpl-{response.answer_id}"
    model = body.model
    if not body.stream:
        return {
            "id": completion_id, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": _usage(body, content),
            "citations": citations, "liaison": response.model_dump(mode="json"),
        }

    def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
        payload = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        if extra:
            payload.update(extra)
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    def stream():
        yield chunk({"role": "assistant", "content": ""})
        pieces = result.draft.segments or [response.answer]
        tail = (f"\n\n{response.notice}" if response.notice else "") + _sources_text(response)
        for piece in pieces + ([tail] if tail else []):
            yield chunk({"content": piece})
        yield chunk({}, "stop", {"citations": citations, "liaison": response.model_dump(mode="json")})
        yield "data: [DONE]\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
