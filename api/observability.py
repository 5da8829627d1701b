"""Request ids, access logs as JSON lines, and request metrics, as one pure ASGI middleware (it also
sees streamed answers, which `BaseHTTPMiddleware` would buffer).

Logged per request: time, request id, method, route template, status, duration. Never the query
string, the body or the client address: questions and forms carry personal data.
"""
from __future__ import annotations

import json
import logging
import re
import time
import uuid

from liaison import metrics

access_log = logging.getLogger("liaison.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _route_of(scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None) or getattr(route, "path_format", None)
    return path or "unmatched"  # never the raw path: it can hold ids or typed text


class ObservabilityMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route, method = _route_of(scope), scope.get("method", "")
            if route != "/metrics":
                metrics.HTTP_REQUESTS.labels(route, method, str(status)).inc()
                metrics.HTTP_LATENCY.labels(route, method).observe(elapsed)
            access_log.info("request", extra={"request_id": request_id, "method": method, "route": route,
                                              "status": status, "ms": round(elapsed * 1000, 1)})


class JsonFormatter(logging.Formatter):
    """One JSON object per line (for journald, Loki, ELK); the `extra` fields become keys."""

    _STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
               "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        out.update({k: v for k, v in record.__dict__.items() if k not in self._STANDARD})
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: str, fmt: str) -> None:
    """`LIAISON_LOG_FORMAT=json` switches every liaison logger to JSON lines on stderr."""
    root = logging.getLogger("liaison")
    root.setLevel(level)
    if fmt == "json" and not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.propagate = False
    # The access log is for the JSON profile (uvicorn's own access log covers the text one).
    access_log.disabled = fmt != "json"
