"""Errors of the intake service, each with the HTTP status the API maps it to."""
from __future__ import annotations

from typing import Any


class IntakeError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}

    def to_dict(self) -> dict[str, Any]:
        return {"detail": self.message, "code": self.code, **self.extra}


class NotAuthenticated(IntakeError):
    status_code = 401
    code = "authentication_required"


class Forbidden(IntakeError):
    status_code = 403
    code = "forbidden"


class NotFound(IntakeError):
    status_code = 404
    code = "not_found"


class Conflict(IntakeError):
    """Stale version (optimistic locking), invalid transition from the current state, reused key."""
    status_code = 409
    code = "conflict"


class Invalid(IntakeError):
    status_code = 422
    code = "invalid"


class ValidationFailed(Invalid):
    code = "validation_failed"

    def __init__(self, result, lang: str = "en"):
        self.result = result
        self.lang = lang
        super().__init__("the form has errors", extra={})

    def to_dict(self) -> dict[str, Any]:
        d = self.result.to_dict(self.lang)
        return {"detail": d["errors"], "code": self.code, "notices": d["notices"], "route": d["route"],
                "applicable": d["applicable"]}


class TooLarge(IntakeError):
    status_code = 413
    code = "too_large"


class Unavailable(IntakeError):
    status_code = 503
    code = "database_unavailable"
