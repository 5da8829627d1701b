"""One validation layer in front of the routes, so that no input reaches a 500.

- JSON bodies (`JsonBodyGuard`, an ASGI middleware, for every route): at most `api_max_json_bytes`
  (413), strict UTF-8 (400), nesting at most `api_max_json_depth` (400), no lone UTF-16 surrogates in
  any string or key (422: they cannot be stored or encoded). Routes that read `request.json()`
  themselves use `json_object()` for the same checks plus "the body must be an object".
- Numbers in paths and queries: the bounded types below (database ids fit a signed 64-bit integer,
  offsets and years have sane ranges); the bounds are declared in the OpenAPI schema.
- Dates in queries: `ApiDate`, within 1900-01-01 .. 2199-12-31 (date arithmetic past year 9999
  overflowed).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import HTTPException, Path, Query, Request
from pydantic import AfterValidator

from liaison.timeutil import IsoDate, IsoDateTime

MAX_INT64 = 2**63 - 1
MAX_OFFSET = 10_000_000
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
DATE_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"

IdPath = Annotated[int, Path(ge=0, le=MAX_INT64, description="numeric id")]
YearPath = Annotated[int, Path(ge=1900, le=2199, description="year, e.g. 2025")]
YearQuery = Annotated[int | None, Query(ge=1900, le=2199, description="year, e.g. 2025")]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def _date_in_range(value: dt.date) -> dt.date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"date must be between {MIN_DATE} and {MAX_DATE}")
    return value


ApiDate = Annotated[IsoDate, AfterValidator(_date_in_range)]


def _datetime_in_range(value: dt.datetime) -> dt.datetime:
    _date_in_range(value.date())
    return value


ApiDateTime = Annotated[IsoDateTime, AfterValidator(_datetime_in_range)]


def date_query(**kwargs) -> Any:
    """`Query(...)` for an `ApiDate` whose schema states the accepted range (a pattern on the years)."""
    return Query(json_schema_extra={"pattern": DATE_PATTERN}, **kwargs)


class BodyError(Exception):
    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code, self.message = status_code, message


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_json_value(value: Any, max_depth: int) -> None:
    """Depth and surrogate checks on a parsed JSON value (iterative: hostile depth cannot recurse here)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _has_lone_surrogate(item):
                raise BodyError(422, "the body contains a lone UTF-16 surrogate (\\ud800-\\udfff); send valid text")
        elif isinstance(item, (list, dict)):
            if depth > max_depth:
                raise BodyError(400, f"JSON nested deeper than {max_depth} levels")
            if isinstance(item, dict):
                stack.extend((k, depth) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)


def parse_json(raw: bytes, *, max_depth: int = 64) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError(400, "the body is not valid UTF-8") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise BodyError(400, f"JSON nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise BodyError(400, f"invalid JSON body: {str(exc)[:120]}") from None
    check_json_value(value, max_depth)
    return value


async def json_object(request: Request) -> dict:
    """The JSON object body of a route that reads it itself; 400/413/422 (never 500) otherwise."""
    settings = request.app.state.settings
    raw = await request.body()
    if len(raw) > settings.api_max_json_bytes:
        raise HTTPException(413, f"JSON body larger than {settings.api_max_json_bytes} bytes "
                                 "(setting LIAISON_API_MAX_JSON_BYTES)")
    try:
        value = parse_json(raw, max_depth=settings.api_max_json_depth)
    except BodyError as exc:
        raise HTTPException(exc.status_code, exc.message) from None
    if not isinstance(value, dict):
        raise HTTPException(422, "the JSON body must be an object")
    return value


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class JsonBodyGuard:
    """ASGI middleware: checks every JSON body once before any route parses it (see module doc)."""

    def __init__(self, app, *, settings) -> None:
        self.app = app
        self.max_bytes = settings.api_max_json_bytes
        self.max_depth = settings.api_max_json_depth

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            return await self.app(scope, receive, send)
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        if not _is_json(headers.get(b"content-type", b"").decode("latin-1")):
            return await self.app(scope, receive, send)
        from api.errors import error_json

        path = scope.get("path", "")
        length = headers.get(b"content-length", b"").decode("latin-1")
        if length.isdigit() and int(length) > self.max_bytes:
            return await self._refuse(scope, receive, send, error_json(
                path, 413, f"JSON body larger than {self.max_bytes} bytes (setting LIAISON_API_MAX_JSON_BYTES)"))
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return await self._refuse(scope, receive, send, error_json(
                    path, 413, f"JSON body larger than {self.max_bytes} bytes (setting LIAISON_API_MAX_JSON_BYTES)"))
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body.strip():
            try:
                parse_json(body, max_depth=self.max_depth)
            except BodyError as exc:
                if exc.message.startswith("invalid JSON body"):
                    pass  # plain syntax errors: each route answers them as it always did (422 or 400)
                else:
                    return await self._refuse(scope, receive, send, error_json(path, exc.status_code, exc.message))
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope, receive, send, response):
        await response(scope, receive, send)


def cap_upload(request: Request, limit_bytes: int, setting: str) -> None:
    """Refuse a request body past `limit_bytes` with 413 naming `setting`: at once from its Content-Length,
    else while it streams in (chunked uploads), before the multipart parser has spooled it all. Call it
    before `await request.form()` / `request.body()`."""
    message = f"upload larger than the limit of {limit_bytes / 1_048_576:g} MB (setting {setting})"
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit_bytes:
        raise HTTPException(413, message)
    receive = request._receive  # Starlette keeps the ASGI receive channel here
    seen = 0

    async def capped_receive():
        nonlocal seen
        event = await receive()
        seen += len(event.get("body", b""))
        if seen > limit_bytes:
            raise HTTPException(413, message)
        return event

    request._receive = capped_receive
