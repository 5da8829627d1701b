"""Shared LLM client layer (assistant `llm` engine, translation desk).

`get_chat_model(settings)` returns a LangChain `BaseChatModel`:
- `settings.llm_url` set: any OpenAI-compatible endpoint through langchain-openai
  (model `settings.llm_model`, key from LIAISON_LLM_API_KEY);
- otherwise the local GGUF (Qwen2.5-Coder-1.5B Q4_K_M assembled by `make install-llm`) run in-process
  by llama.cpp through `xllamacpp`. One llama.cpp server per process and model file, loaded on first
  use and shared by every caller (~1.9 GB RAM); requests queue inside llama.cpp.

Nothing here downloads anything: a missing model raises `LLMUnavailable` saying how to install it.
Generation metadata (prompt/generated token counts, tokens per second) is returned in
`AIMessage.response_metadata["timings"]` so benchmarks can report it.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from liaison.llm_model import ModelNotInstalled, default_model_path, verify

__all__ = ["get_chat_model", "is_local_model_installed", "LLMUnavailable", "LocalGGUFChatModel", "local_model_path"]


class LLMUnavailable(RuntimeError):
    """No model can be used (not installed, endpoint misconfigured); the message says what to do."""


def local_model_path(settings=None) -> Path:
    configured = getattr(settings, "llm_gguf_path", None) if settings is not None else None
    return Path(configured) if configured else default_model_path()


def is_local_model_installed(settings=None) -> bool:
    """True when the local GGUF exists and passed verification (size, magic, recorded SHA-256)."""
    path = local_model_path(settings)
    if getattr(settings, "llm_gguf_path", None):
        # A user-supplied model is not our pinned file: existence and magic are all we can check.
        try:
            with path.open("rb") as fh:
                return fh.read(4) == b"GGUF"
        except OSError:
            return False
    return verify(path) is None


_servers: dict[tuple[str, int, int], Any] = {}
_servers_lock = threading.Lock()


def _llama_server(path: str, threads: int, n_ctx: int):
    """The process-wide llama.cpp server for this model (loaded once, ~2 s)."""
    key = (path, threads, n_ctx)
    with _servers_lock:
        server = _servers.get(key)
        if server is None:
            try:
                import xllamacpp
            except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
                raise LLMUnavailable("the local LLM needs the `xllamacpp` package (pip install xllamacpp)") from exc
            params = xllamacpp.CommonParams()
            params.model.path = path
            params.n_ctx = n_ctx
            params.n_parallel = 1
            params.cpuparams.n_threads = threads
            params.cpuparams_batch.n_threads = threads
            params.verbosity = -1
            params.warmup = False
            server = xllamacpp.Server(params)
            _servers[key] = server
        return server


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}.get(message.type, "user")


def _as_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # LangChain content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


class LocalGGUFChatModel(BaseChatModel):
    """Chat model over a local GGUF file run by llama.cpp (xllamacpp), streaming and not."""

    model_path: str
    threads: int = 2
    n_ctx: int = 4096
    max_tokens: int = 350
    temperature: float = 0.0
    seed: int = 42
    model_config = ConfigDict(protected_namespaces=())
    _server: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama.cpp-gguf"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "temperature": self.temperature}

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool, **kwargs) -> dict:
        body = {
            "messages": [{"role": _role(m), "content": _as_text(m.content)} for m in messages],
            "max_tokens": int(kwargs.get("max_tokens", self.max_tokens)),
            "temperature": float(kwargs.get("temperature", self.temperature)),
            "seed": self.seed,
            "stream": stream,
        }
        if stop:
            body["stop"] = stop
        return body

    def _get_server(self):
        if self._server is None:
            self._server = _llama_server(self.model_path, self.threads, self.n_ctx)
        return self._server

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        result = self._get_server().handle_chat_completions(self._request(messages, stop, False, **kwargs))
        if not isinstance(result, dict) or "error" in result or not result.get("choices"):
            raise LLMUnavailable(f"local model returned an error: {str(result)[:300]}")
        choice = result["choices"][0]
        message = AIMessage(
            content=choice["message"].get("content") or "",
            response_metadata={"finish_reason": choice.get("finish_reason"), "timings": result.get("timings", {}),
                               "model_name": Path(self.model_path).name},
            usage_metadata=_usage(result.get("usage")),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        # llama.cpp calls back on its own thread and returns when generation ends: bridge with a queue.
        chunks: queue.Queue = queue.Queue()
        done = object()
        request = self._request(messages, stop, True, **kwargs)
        server = self._get_server()

        def run() -> None:
            try:
                server.handle_chat_completions(request, chunks.put)
            except Exception as exc:  # surfaced in the consumer thread
                chunks.put(exc)
            finally:
                chunks.put(done)

        threading.Thread(target=run, name="llama-stream", daemon=True).start()
        while True:
            item = chunks.get()
            if item is done:
                return
            if isinstance(item, Exception):
                raise LLMUnavailable(f"local model failed: {item}") from item
            if not isinstance(item, dict) or "error" in item:
                raise LLMUnavailable(f"local model returned an error: {str(item)[:300]}")
            for choice in item.get("choices", []):
                text = (choice.get("delta") or {}).get("content") or ""
                meta = {}
                if choice.get("finish_reason"):
                    meta = {"finish_reason": choice["finish_reason"], "timings": item.get("timings", {})}
                if text or meta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text, response_metadata=meta))
                    if run_manager and text:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk


def _usage(usage: dict | None):
    if not usage:
        return None
    return {"input_tokens": usage.get("prompt_tokens", 0), "output_tokens": usage.get("completion_tokens", 0),
            "total_tokens": usage.get("total_tokens", 0)}


def get_chat_model(settings, *, temperature: float = 0.0, max_tokens: int | None = None) -> BaseChatModel:
    """The configured chat model. Raises LLMUnavailable with the fix when none can be used."""
    max_tokens = max_tokens or getattr(settings, "llm_max_tokens", 350)
    url = getattr(settings, "llm_url", None)
    if url:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover
            raise LLMUnavailable("LIAISON_LLM_URL needs the `langchain-openai` package") from exc
        key = settings.llm_api_key.get_secret_value() if getattr(settings, "llm_api_key", None) else "not-needed"
        return ChatOpenAI(base_url=url, model=settings.llm_model, api_key=key, temperature=temperature,
                          max_tokens=max_tokens, timeout=settings.llm_timeout_s, max_retries=1)
    path = local_model_path(settings)
    if not is_local_model_installed(settings):
        problem = verify(path) if not getattr(settings, "llm_gguf_path", None) else f"{path} is not a GGUF file"
        raise LLMUnavailable(
            f"no LLM available: {problem}. Install the local model with `make install-llm` "
            "(python -m liaison.llm_model install) or set LIAISON_LLM_URL to an OpenAI-compatible endpoint")
    return LocalGGUFChatModel(model_path=str(path), threads=settings.llm_threads, n_ctx=settings.llm_context_tokens,
                              max_tokens=max_tokens, temperature=temperature)


# Re-exported so callers can catch one family of errors.
ModelNotInstalled = ModelNotInstalled
