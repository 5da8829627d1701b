"""Settings fields owned by `translation` (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings

ENGINE_CHOICES = ("auto", "argos", "llm")


class TranslationSettings(BaseSettings):
    translation_engine: Literal["auto", "argos", "llm"] = Field(
        "auto", description="Default engine: `argos` (installed Argos packages), `llm` (local GGUF or "
        "OpenAI-compatible endpoint, drafts only) or `auto` (argos when the pair is installed, else llm).")
    translation_argos_dir: Path | None = Field(
        None, description="Where Argos language packages are installed; default: Argos Translate's own "
        "package directory (ARGOS_PACKAGES_DIR or ~/.local/share/argos-translate/packages).")
    translation_argos_index_url: str = Field(
        "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json",
        description="Argos package index, used only by `liaison translate models fetch` (never implicitly).")
    translation_llm_fallback: bool = Field(
        True, description="With engine `auto`, use the llm engine for pairs that no Argos package covers.")
    translation_llm_languages: list[str] = Field(
        default_factory=lambda: ["fr", "en", "de", "es", "it", "pt", "nl"],
        description="Languages offered through the llm engine (a small model: keep to languages it writes well).")
    translation_detect_languages: list[str] = Field(
        default_factory=lambda: ["fr", "en", "de", "es", "it", "pt", "nl", "pl", "ro", "el", "cs", "sk", "sl",
                                 "hr", "hu", "bg", "da", "sv", "fi", "et", "lv", "lt", "tr", "ar", "ru", "uk"],
        description="Candidate languages for detection (fewer = faster and more accurate).")
    translation_allow_anonymous: bool = Field(
        False, description="Allow translation requests without an API key (limited per client IP).")
    translation_anonymous_char_limit: int = Field(5000, ge=0, description="Characters per day per IP when anonymous access is allowed.")
    translation_default_char_limit: int | None = Field(
        None, ge=0, description="Characters per day for accounts without their own char_limit (None = unlimited).")
    translation_allowed_roles: list[str] = Field(
        default_factory=lambda: ["translator", "certifier", "institution"],
        description="Account roles allowed on the translation endpoints (admin always is).")
    translation_max_request_chars: int = Field(20000, gt=0, description="Characters per /translate request.")
    translation_max_file_mb: float = Field(25.0, gt=0, description="Size limit per uploaded file.")
    translation_max_files_per_job: int = Field(20, gt=0)
    translation_max_pages: int = Field(300, gt=0, description="Page limit per PDF.")
    translation_max_file_chars: int = Field(1_000_000, gt=0, description="Text characters per file.")
    translation_job_timeout_s: int = Field(3600, gt=0, description="Wall-clock limit per job; what is done is kept.")
    translation_file_timeout_s: int = Field(900, gt=0, description="Wall-clock limit for a synchronous /translate_file call.")
    translation_retention_hours: float = Field(
        72, gt=0, description="Uploaded sources, outputs and job segments are deleted after this many hours.")
    translation_memory_machine_retention_days: float = Field(
        90, gt=0, description="Unconfirmed machine output kept in the memory this long (confirmed segments are kept).")
    translation_job_workers: int = Field(1, ge=1, le=8, description="Unused since jobs run as background tasks: "
                                         "set LIAISON_TASK_THREADS (kept so existing configurations still load).")
    translation_batch_size: int = Field(16, ge=1, le=256, description="Segments per engine call.")
    translation_beam_size: int = Field(4, ge=1, le=16)
    translation_threads: int = Field(0, ge=0, description="CTranslate2 threads (0 = all cores).")
    translation_fuzzy_min: int = Field(75, ge=50, le=100, description="Lowest memory match score (0-100) reported.")
    translation_fuzzy_reuse: int = Field(
        90, ge=50, le=101, description="Memory matches at or above this score are reused instead of the engine "
        "(flagged for review when below 100); 101 disables reuse of fuzzy matches.")
    translation_length_ratio_min: float = Field(0.5, gt=0)
    translation_length_ratio_max: float = Field(2.0, gt=0)
    translation_store_machine_output: bool = Field(
        True, description="Keep engine output in the memory (unconfirmed) so an unchanged document is not "
        "translated twice; segments holding personal identifiers (NIR, IBAN) are never stored.")

    @field_validator("translation_allowed_roles")
    @classmethod
    def _known_roles(cls, value: list[str]) -> list[str]:
        from liaison.accounts import ROLES

        unknown = [r for r in value if r not in ROLES]
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; allowed: {', '.join(ROLES)}")
        return value

    @field_validator("translation_llm_languages", "translation_detect_languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        from translation.languages import LANGUAGE_NAMES

        cleaned = [v.strip().lower() for v in value if v.strip()]
        unknown = [v for v in cleaned if v not in LANGUAGE_NAMES]
        if unknown:
            raise ValueError(f"unknown language code(s) {unknown}; allowed: {', '.join(sorted(LANGUAGE_NAMES))}")
        return cleaned

    @model_validator(mode="after")
    def _consistent_ranges(self):
        if self.translation_length_ratio_min >= self.translation_length_ratio_max:
            raise ValueError("translation_length_ratio_min must be below translation_length_ratio_max")
        return self
