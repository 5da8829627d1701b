"""Observability on a real server with two workers: /ready, /metrics merged across workers, request
ids and JSON access logs without personal data; /ready says 503 and why when a dependency is down."""
from __future__ import annotations

import json
import os
import re
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import free_port, liaison_server
from tests.assistant import kb_env

pytestmark = pytest.mark.integration
QUESTION = "Je suis détaché en Italie, combien de temps je reste affilié en France ?"


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory, shared_corpus):
    env_kb = kb_env.build(tmp_path_factory.getbasetemp() / "assistant-kb", shared_corpus)
    data_dir = kb_env.copy_of(env_kb, tmp_path_factory.mktemp("obs") / "data")
    log_path = data_dir.parent / "server.log"
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)  # `liaison serve --workers 2` sets its own
    env = {"LIAISON_LOG_FORMAT": "json", "LIAISON_RATE_LIMIT_PER_MINUTE": "0"}
    with liaison_server(data_dir, log_path, env, args=("--workers", "2"), ready="/ready", timeout=180) as base:
        yield base, log_path


def _samples(text: str, name: str, **labels) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_ready_reports_each_dependency(two_workers):
    base, _ = two_workers
    body = httpx.get(base + "/ready", timeout=10).json()
    assert body["status"] == "ready"
    assert {k: v["status"] for k, v in body["checks"].items()} == {
        "database": "ok", "index": "ok", "model": "ok", "broker": "not configured"}


def test_metrics_count_requests_of_every_worker(two_workers):
    base, _ = two_workers
    before = httpx.get(base + "/metrics", timeout=10).text
    n = 12
    with httpx.Client(base_url=base, timeout=60) as client:
        for i in range(n):
            r = client.post("/v1/ask", json={"question": QUESTION if i % 2 else "Qu'est-ce que le formulaire S1 ?"})
            assert r.status_code == 200
    # Every scrape (whichever worker answers it) sees the requests of both workers.
    for _ in range(4):
        after = httpx.get(base + "/metrics", timeout=10).text
        delta = (_samples(after, "liaison_http_requests_total", route="/v1/ask", status="200")
                 - _samples(before, "liaison_http_requests_total", route="/v1/ask", status="200"))
        assert delta == n
    answers = _samples(after, "liaison_answers_total") - _samples(before, "liaison_answers_total")
    assert answers == n
    assert _samples(after, "liaison_http_request_duration_seconds_count", route="/v1/ask") >= n
    assert 'liaison_queue_depth{queue="translation",status="queued"}' in after
    # No typed text in labels: routes are templates.
    assert "Italie" not in after and "/v1/documents/" not in re.sub(r'route="[^"]*\{[^"]*"', "", after)


def test_request_ids_and_json_access_log_without_personal_data(two_workers):
    base, log_path = two_workers
    sent = "req-0123456789abcdef"
    r = httpx.post(base + "/v1/ask", json={"question": "Mon NIR est 1 84 12 75 123 456 78, ai-je droit au S1 ?"},
                   headers={"X-Request-ID": sent}, timeout=60)
    assert r.headers["x-request-id"] == sent
    generated = httpx.get(base + "/health", headers={"X-Request-ID": "bad id; <script>"}, timeout=10).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    time.sleep(0.5)
    lines = [json.loads(x) for x in log_path.read_text().splitlines() if x.startswith("{")]
    mine = [x for x in lines if x.get("request_id") == sent]
    assert mine and mine[0]["route"] == "/v1/ask" and mine[0]["status"] == 200 and mine[0]["ms"] > 0
    assert "1 84 12 75" not in log_path.read_text()


def test_ready_is_503_naming_the_failing_dependency(tmp_path):
    from api.app import create_app
    from liaison.settings import Settings

    dead = free_port()
    settings = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{dead}", warm_up=False,
                        redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with TestClient(create_app(settings)) as client:
        r = client.get("/ready")
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks["database"]["status"] == "ok"
    assert checks["index"]["status"].startswith("error:")
    assert checks["broker"]["status"].startswith("error:")
    assert checks["model"]["status"] == "not configured"
    assert str(tmp_path) not in r.text
