"""Errors of the translation desk. Each message says what went wrong, where (file, line) and what to do."""
from __future__ import annotations


class TranslationError(Exception):
    """Base class: a clear, user-facing problem (HTTP 400-class, CLI one-liner)."""

    status_code = 400


class UnsupportedFormat(TranslationError):
    status_code = 415


class DocumentError(TranslationError):
    """The file cannot be read: corrupt, encrypted, empty, scanned without text."""

    status_code = 422


class LimitExceeded(TranslationError):
    status_code = 413


class NoEngine(TranslationError):
    """No engine can translate this language pair."""

    status_code = 400


class EngineUnavailable(TranslationError):
    """The engine is configured but cannot run (model missing, endpoint down)."""

    status_code = 503


class GlossaryError(TranslationError):
    status_code = 422

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


class QuotaExceeded(TranslationError):
    status_code = 429


class Cancelled(TranslationError):
    status_code = 409


class TimeLimitReached(TranslationError):
    status_code = 504
