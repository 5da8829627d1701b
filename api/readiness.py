"""Checks behind GET /ready and state read at scrape time by GET /metrics. Each check is bounded
and reports `ok`, `not configured`, `loading` or `error: <reason>` (a reason names the failing part
and the setting to look at, never a path or a credential)."""
from __future__ import annotations

import time
from typing import Any


def _timed(fn) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        status = fn()
    except Exception as exc:  # noqa: BLE001 - a readiness probe reports, it does not raise
        status = f"error: {type(exc).__name__}: {str(exc)[:200]}"
    return {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database(settings) -> str:
    from sqlalchemy import text

    from liaison.db import get_engine

    with get_engine(settings.resolved_database_url).connect() as conn:
        conn.execute(text("SELECT 1"))
    return "ok"


def _index(settings) -> str:
    from ingest.index.dense import chroma_client

    client = chroma_client(settings.chroma_url, settings.data_dir / "chroma")
    client.heartbeat()
    names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
    if settings.collection not in names:
        return "error: the index is empty (run `liaison ingest`)"
    return "ok"


def _model(app) -> str:
    service = getattr(app.state, "assistant_service", None)
    if service is None:
        return "loading"  # loaded on first use or by warm-up (LIAISON_WARM_UP)
    return "ok"


def _broker(settings) -> str:
    url = getattr(settings, "redis_url", None)
    if not url:
        return "not configured"
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    return "ok"


def run_checks(app, settings) -> dict[str, dict[str, Any]]:
    checks = {
        "database": _timed(lambda: _database(settings)),
        "index": _timed(lambda: _index(settings)),
        "model": _timed(lambda: _model(app)),
        "broker": _timed(lambda: _broker(settings)),
    }
    if not settings.warm_up and checks["model"]["status"] == "loading":
        checks["model"]["status"] = "not configured"  # lazy loading chosen: not a reason to wait
    return checks


class QueueDepthCollector:
    """Queue depth at scrape time from the database every worker shares (so all workers agree)."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily
        from sqlalchemy import inspect, text

        from liaison.db import get_engine

        gauge = GaugeMetricFamily("liaison_queue_depth", "Background tasks waiting or running, by queue and status",
                                  labels=["queue", "status"])
        engine = get_engine(self.db_url)
        if "translation_jobs" in inspect(engine).get_table_names():
            with engine.connect() as conn:
                rows = dict(conn.execute(text(
                    "SELECT status, count(*) FROM translation_jobs WHERE status IN ('queued', 'running') GROUP BY status")).all())
            for status in ("queued", "running"):
                gauge.add_metric(["translation", status], rows.get(status, 0))
        yield gauge
