"""Settings fields owned by `assistant` (merged into liaison.settings.Settings; env prefix LIAISON_).

The LLM fields (`llm_*`) are read by the shared client layer `liaison/llm.py`, which the translation
desk uses too.
"""
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings

ENGINES = ("extractive", "llm")


class AssistantSettings(BaseSettings):
    assistant_engine: Literal["extractive", "llm"] = Field(
        "extractive", description="Default answer engine: extractive (offline, deterministic) or llm.")
    # --- LLM client (liaison/llm.py) ---------------------------------------------------------------
    llm_url: str | None = Field(
        None, description="OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1); unset = local GGUF.")
    llm_model: str = Field("qwen2.5-coder-1.5b-instruct", description="Model name sent to the endpoint.")
    llm_api_key: SecretStr | None = Field(
        None, description="API key for the endpoint (env LIAISON_LLM_API_KEY; never stored in files).")
    llm_gguf_path: Path | None = Field(
        None, description="Local GGUF file; default: the assembled model from `make install-llm`.")
    llm_threads: int = Field(2, ge=1, le=64)
    llm_context_tokens: int = Field(4096, ge=512, le=32768)
    llm_max_tokens: int = Field(350, ge=16, le=4096)
    llm_timeout_s: float = Field(120.0, gt=0)
    # --- answers ------------------------------------------------------------------------------------
    # Calibrated on the liaison_domain dev set (see assistant/abstention.py and evals/answers.py):
    # the lowest evidence score at which an answer is still given.
    abstention_threshold: float = Field(0.35, ge=0.0, le=1.0)
    # Questions outside the centre's field (no topic, field word or foreign place: assistant/topics.py)
    # need much stronger evidence: a word shared with a text is not enough.
    offdomain_min_evidence: float = Field(0.75, ge=0.0, le=1.0)
    retrieval_k: int = Field(8, ge=1, le=50, description="Passages retrieved per question.")
    answer_max_sentences: int = Field(4, ge=1, le=12)
    question_max_chars: int = Field(4000, ge=10, le=100_000)
    search_cache_size: int = Field(512, ge=0, le=100_000,
                                   description="Search results kept per process for repeated questions; 0 disables.")
    search_cache_ttl_s: float = Field(300.0, gt=0)
    session_max_turns: int = Field(6, ge=0, le=50, description="Previous turns used to resolve follow-ups.")
    # Contacts the answers may show even when no source contains them (everything else is removed).
    allowed_urls: list[str] = Field(
        default_factory=lambda: ["https://www.cleiss.fr", "https://www.service-public.fr", "https://www.ameli.fr"],
        description="URL prefixes answers may contain besides those found in the cited sources.")
    allowed_phones: list[str] = Field(default_factory=list)
    allowed_emails: list[str] = Field(default_factory=list)
    handover_contact: str = Field(
        "https://www.cleiss.fr", description="Contact offered when the texts do not answer (must be allow-listed).")

    @field_validator("allowed_urls")
    @classmethod
    def _http_urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"allowed_urls entries must start with http:// or https://, got {url!r}")
        return value
