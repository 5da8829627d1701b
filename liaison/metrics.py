"""Prometheus metrics of every desk, in one registry.

With several API workers (`liaison serve --workers N`) each process writes its samples to files in
`PROMETHEUS_MULTIPROC_DIR` (set by `liaison serve`), and `/metrics` merges them, so a scrape that
reaches any worker sees the whole instance. In one process the default registry is used.
Labels carry routes, engines and statuses, never anything a user typed.
"""
from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.4, 0.6, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter("liaison_http_requests_total", "HTTP requests by route template, method and status",
                        ["route", "method", "status"])
HTTP_LATENCY = Histogram("liaison_http_request_duration_seconds", "HTTP request latency by route template",
                         ["route", "method"], buckets=_LATENCY_BUCKETS)
ANSWERS = Counter("liaison_answers_total", "Assistant answers by engine and outcome (answered, abstained)",
                  ["engine", "outcome"])
HANDOVERS = Counter("liaison_handovers_total", "Hand-overs to a person (inquiries created), by channel", ["channel"])
INGEST_FILES = Counter("liaison_ingest_files_total", "Files seen by ingest runs, by outcome", ["status"])
INGEST_CHUNKS = Counter("liaison_ingest_chunks_total", "Chunks embedded and indexed by ingest runs")
TRANSLATION_JOBS = Counter("liaison_translation_jobs_total", "Translation jobs finished, by final status", ["status"])
TRANSLATION_CHARACTERS = Counter("liaison_translation_characters_total", "Source characters translated")
TASK_DURATION = Histogram("liaison_task_duration_seconds", "Background task durations by kind",
                          ["kind"], buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800))


def render(extra_collectors=()) -> tuple[bytes, str]:
    """The exposition text of this instance (all workers when multi-process) plus `extra_collectors`
    (collectors reading shared state at scrape time, e.g. queue depth from the database)."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    body = generate_latest(registry)
    if extra_collectors:
        extra = CollectorRegistry()
        for collector in extra_collectors:
            extra.register(collector)
        body += generate_latest(extra)
    return body, CONTENT_TYPE_LATEST
