"""Error bodies in OpenAI's shape for the OpenAI-compatible routes only.

OpenAI clients (the `openai` SDK, LangChain, Open WebUI, LibreChat) read failures from
`{"error": {"message", "type", "param", "code"}}`. The rest of the API keeps FastAPI's
`{"detail": ...}`, so the conversion lives in a route class used by the OpenAI router alone: errors
raised by its dependencies (authentication, rate limit), by body validation or by the handlers are
turned into that shape before any application-wide exception handler sees them.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("liaison.api")

# status -> (type, default code). Types and codes are the ones OpenAI's API sends for the same cases.
_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", "insufficient_permissions"),
    404: ("invalid_request_error", "not_found"),
    413: ("invalid_request_error", "request_too_large"),
    422: ("invalid_request_error", None),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    503: ("server_error", "service_unavailable"),
}


class OpenAIError(Exception):
    """An error to return as-is in OpenAI's shape (when the HTTP status alone does not say enough)."""

    def __init__(self, status_code: int, message: str, *, code: str | None = None, param: str | None = None,
                 error_type: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.code = code
        self.param = param
        self.error_type = error_type


def error_body(status_code: int, message: str, *, code: str | None = None, param: str | None = None,
               error_type: str | None = None) -> dict[str, Any]:
    kind, default_code = _KINDS.get(status_code, ("server_error" if status_code >= 500 else "invalid_request_error",
                                                  None))
    return {"error": {"message": message, "type": error_type or kind, "param": param, "code": code or default_code}}


def error_response(status_code: int, message: str, *, headers: dict[str, str] | None = None, **kwargs) -> JSONResponse:
    return JSONResponse(status_code=status_code, content=error_body(status_code, message, **kwargs), headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    errors = exc.errors()
    if not errors:
        return "invalid request body", None
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    param = ".".join(loc) or None
    message = str(first.get("msg", "invalid value"))[:300]
    if first.get("type") == "json_invalid":
        return "the request body is not valid JSON", None
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    return (f"{param}: {message}{more}" if param else message + more), param


class OpenAIErrorRoute(APIRoute):
    """APIRoute whose failures come back in OpenAI's error shape. Invalid bodies are 400 (as OpenAI
    answers them, and what OpenAI clients map to BadRequestError), not FastAPI's 422."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except OpenAIError as exc:
                return error_response(exc.status_code, exc.message, code=exc.code, param=exc.param,
                                      error_type=exc.error_type)
            except RequestValidationError as exc:
                message, param = _validation_message(exc)
                return error_response(400, message, param=param)
            except StarletteHTTPException as exc:
                status_code = 400 if exc.status_code == 422 else exc.status_code
                detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
                return error_response(status_code, detail, headers=exc.headers)
            except Exception:
                log.exception("unhandled error on an OpenAI-compatible route")
                return error_response(500, "internal error; the incident was logged")

        return route
