"""GET /health (liveness plus what the instance serves), GET /ready (can it serve: database, index,
model, broker) and GET /metrics (Prometheus exposition)."""
import time

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.deps import SettingsDep
from liaison import metrics

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and configuration summary")
def health(settings: SettingsDep) -> dict:
    return {
        "status": "ok",
        "version": "0.1.0",
        "index": "chroma-server" if settings.chroma_url else "chroma-embedded",
        "database": settings.resolved_database_url.split(":", 1)[0],
    }


@router.get("/ready", summary="Readiness: database, index, model and broker answer",
            responses={503: {"description": "a dependency is down; `checks` says which"}})
def ready(request: Request, settings: SettingsDep) -> JSONResponse:
    from api.readiness import run_checks

    checks = run_checks(request.app, settings)
    ok = all(c["status"] in ("ok", "not configured") for c in checks.values())
    return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}}}})
def prometheus_metrics(request: Request, settings: SettingsDep) -> Response:
    from api.readiness import QueueDepthCollector

    started = time.perf_counter()
    body, content_type = metrics.render([QueueDepthCollector(settings.resolved_database_url)])
    body += f"# scrape took {time.perf_counter() - started:.3f}s\n".encode()
    return Response(body, media_type=content_type)
