"""The one settings object. Every field can be set from the environment with the `LIAISON_` prefix
(e.g. LIAISON_DATA_DIR, LIAISON_CHROMA_URL, LIAISON_DATABASE_URL, LIAISON_LLM_URL).

Each capability declares its own fields in `<capability>/config.py` (a mixin); this module merges
them into `Settings`, validated once at start-up so a bad value fails fast with a clear message.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.config import AssistantSettings
from eessi.config import EessiSettings
from ingest.config import KnowledgeSettings
from intake.config import IntakeSettings
from reports.config import ReportsSettings
from translation.config import TranslationSettings


class CoreSettings(BaseSettings):
    data_dir: Path = Field(Path("data"), description="Where indexes, databases and fetched sources live.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file `<data_dir>/liaison.db`. "
        "PostgreSQL: postgresql+psycopg://user@127.0.0.1:5432/db")
    log_level: str = "INFO"
    log_format: str = Field("text", description="`json`: one JSON object per log line with request ids (servers); `text`: plain.")
    redis_url: str | None = Field(None, description="Redis for state shared by all workers and machines "
                                  "(redis://127.0.0.1:6379/0); checked by /ready.")
    broker_url: str | None = Field(None, description="Task queue broker: redis://host:6379/0 or amqp://host:5672 "
                                   "(Dramatiq); tasks then run in `liaison worker` processes. Unset: in-process threads.")
    task_queue: str = Field("liaison", min_length=1, max_length=60, description="Queue (and Redis key namespace) name.")
    task_threads: int = Field(2, ge=1, le=64, description="Tasks run at once per process (API in-process mode or worker).")
    task_lease_s: float = Field(30.0, ge=2, le=3600, description="Lease of a running task, renewed every third; a "
                                "worker silent this long is taken as dead and its task resumed.")
    task_max_attempts: int = Field(3, ge=1, le=50, description="Attempts before a task is dead-lettered.")
    task_min_backoff_s: float = Field(2.0, ge=0, description="Delay before the first retry (doubles each time).")
    task_max_backoff_s: float = Field(300.0, ge=0, description="Longest delay between retries.")
    task_redeliver_after_s: float = Field(600.0, ge=10, description="A queued task not picked up for this long is "
                                          "sent again (a message lost with a broker restart).")
    # Key for encrypting personal fields at rest (urlsafe base64, 32 bytes: Fernet key). When unset a key
    # file is generated in data_dir on first use (fine for the demo, not for production).
    encryption_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    warm_up: bool = Field(True, description="Each server worker loads the models and the index before accepting requests.")
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:8000", "http://127.0.0.1:8000"])
    rate_limit_per_minute: int = Field(30, ge=0, description="Anonymous requests per client IP per minute; 0 disables.")
    public_base_url: str = "http://127.0.0.1:8000"
    # OpenAI-compatible POST /v1/embeddings: the embedding model is shared with the assistant's questions,
    # so a request's size is bounded (measured 2-10 s per 1000 tokens on a shared, busy 2-core machine).
    embeddings_max_inputs: int = Field(512, ge=1, le=4096, description="Texts per /v1/embeddings request.")
    embeddings_max_input_tokens: int = Field(
        4096, ge=16, le=65536, description="Model tokens per text (texts over 512 tokens are embedded in windows).")
    embeddings_max_request_tokens: int = Field(16384, ge=16, le=1_000_000, description="Model tokens per request.")
    api_max_json_bytes: int = Field(
        20_000_000, gt=0, description="Largest JSON request body on any route (413 beyond); route families keep "
        "their own tighter limits (e.g. LIAISON_INTAKE_MAX_BODY_BYTES).")
    parse_cpu_seconds: int = Field(60, ge=1, description="CPU seconds allowed to read one uploaded file (separate "
                                   "process; a decompression bomb is refused past it).")
    parse_memory_mb: int = Field(1024, ge=128, description="Memory (address space, MB) allowed to read one uploaded file.")
    parse_wall_seconds: float = Field(120, gt=0, description="Wall-clock seconds allowed to read one uploaded file.")
    api_max_json_depth: int = Field(64, ge=2, le=500, description="Deepest nesting of a JSON request body (400 beyond).")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        allowed = ("DEBUG", "INFO", "WARNING", "ERROR")
        if value.upper() not in allowed:
            raise ValueError(f"log_level must be one of {allowed}, got {value!r}")
        return value.upper()

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in ("text", "json"):
            raise ValueError(f"log_format must be one of ('text', 'json'), got {value!r}")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'liaison.db').resolve()}"


class Settings(
    CoreSettings,
    KnowledgeSettings,
    AssistantSettings,
    TranslationSettings,
    IntakeSettings,
    ReportsSettings,
    EessiSettings,
):
    model_config = SettingsConfigDict(env_prefix="LIAISON_", env_file=".env", extra="ignore")

    def ensure_dirs(self) -> "Settings":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings from the environment (tests build their own `Settings(...)`)."""
    return Settings()
