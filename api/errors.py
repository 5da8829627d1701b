"""One error shape across the API, declared in the OpenAPI schema.

Every error answers `{"detail": <message, list of problems or object>, ...}` (FastAPI's shape, which the
routes already used; services may add fields such as `code`). The LibreTranslate-compatible routes keep
LibreTranslate's `{"error": "<message>"}` so existing clients read them unchanged. Unexpected failures
answer 500 in the same shape without internals (no paths, no exception text).

`install(app)` registers the handlers and rewrites the schema so every operation declares its 4XX/5XX
answers with these shapes (the default 422 model, which only fits request-validation errors, is
replaced by the general one).
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("liaison.api")

# LibreTranslate-compatible routes (api.routes.translation) and their error shape.
LIBRETRANSLATE_PREFIXES = ("/translate", "/detect", "/languages", "/frontend/settings", "/download_file/",
                           "/suggest")
INTERNAL_ERROR = "internal error; the incident was logged"

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"description": "What went wrong: a message, a list of problems (each with `loc`, `msg`, "
                                  "`type` for request validation) or an object with `message` and `errors`.",
                   "anyOf": [{"type": "string"}, {"type": "array"}, {"type": "object"}]},
        "code": {"type": "string", "description": "Machine-readable error code, when the service gives one."},
    },
    "additionalProperties": True,
}
LIBRETRANSLATE_ERROR_SCHEMA = {
    "title": "LibreTranslateError", "type": "object", "required": ["error"],
    "properties": {"error": {"type": "string"}}, "additionalProperties": True,
}


def is_openai(path: str) -> bool:
    """OpenAI-compatible routes (api/routes/openai_compat.py) answer errors in OpenAI's shape."""
    return path in ("/v1/models", "/v1/embeddings", "/v1/chat/completions") or path.startswith("/v1/models/")


def is_libretranslate(path: str) -> bool:
    from api.routes.translation import is_lt_path  # the LibreTranslate routes, listed once

    return is_lt_path(path)


def error_json(path: str, status_code: int, detail, headers: dict | None = None, settings=None) -> JSONResponse:
    """The error answer for `path` in the shape its route family uses; server paths in the message are
    replaced by the name of the setting that configures them (liaison.redact)."""
    from liaison.redact import redact_detail

    detail = redact_detail(detail, settings)
    if is_openai(path):
        from api.openai_errors import error_response

        return error_response(status_code, detail if isinstance(detail, str) else str(detail), headers=headers)
    if is_libretranslate(path):
        message = detail if isinstance(detail, str) else (detail.get("message") if isinstance(detail, dict)
                                                          else None) or str(detail)
        from api.routes.translation import public_message

        return JSONResponse({"error": public_message(message)}, status_code=status_code, headers=headers)
    return JSONResponse({"detail": detail}, status_code=status_code, headers=headers)


def _allowed_methods(app, path: str) -> list[str]:
    """Methods of every route whose pattern matches `path` (Starlette's own 405 names only the first
    route it tried, so `Allow` was wrong for paths served by several routes)."""
    from intake.http import iter_routes  # walks lazily included routers too
    from starlette.routing import compile_path

    methods: set[str] = set()
    for route_path, route_methods in iter_routes(app):
        if route_path and compile_path(route_path)[0].match(path):
            methods |= route_methods
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        # 422 with readable messages; never echo huge inputs back.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))[:300], "type": e.get("type")}
            for e in exc.errors()[:20]
        ]
        if is_libretranslate(request.url.path):
            return error_json(request.url.path, 400, "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors))
        return JSONResponse(status_code=422, content={"detail": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request.app, request.url.path))
        if exc.status_code in (204, 304):
            from starlette.responses import Response

            return Response(status_code=exc.status_code, headers=headers)
        return error_json(request.url.path, exc.status_code, exc.detail, headers or None,
                          settings=request.app.state.settings)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_json(request.url.path, 500, INTERNAL_ERROR)

    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        return declare_errors(original())

    app.openapi = openapi


def declare_errors(schema: dict) -> dict:
    """Every operation declares its error answers (4XX, 5XX and the 422 of request validation) with the
    shared shapes; explicit descriptions of specific codes are kept, their bodies get the shape."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    components["LibreTranslateError"] = LIBRETRANSLATE_ERROR_SCHEMA
    for path, item in schema.get("paths", {}).items():
        ref = "#/components/schemas/" + ("LibreTranslateError" if is_libretranslate(path) else "Error")
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if is_openai(path):  # their own error model, declared by the route (api/openai_errors.py)
                ref = responses.get("400", {}).get("content", {}).get("application/json", {}).get("schema", {}).get(
                    "$ref", ref)
            content = {"application/json": {"schema": {"$ref": ref}}}
            for code, response in list(responses.items()):
                if code[:1] in ("4", "5"):
                    media = response.setdefault("content", {})
                    # Keep documented error models (e.g. a rejected return with its line errors); the general
                    # shape replaces FastAPI's request-validation model and bodies left undeclared.
                    declared = media.get("application/json", {}).get("schema", {})
                    if not declared or declared.get("$ref", "").endswith("/HTTPValidationError"):
                        media["application/json"] = {"schema": {"$ref": ref}}
                    elif declared.get("$ref") != ref:
                        media["application/json"] = {"schema": {"anyOf": [declared, {"$ref": ref}]}}
            responses.setdefault("4XX", {"description": "Client error", "content": content})
            responses.setdefault("5XX", {"description": "Server error or service unavailable", "content": content})
    return schema
