"""Ingestion runs as background tasks (`liaison ingest PATH --background`, run by `liaison worker`).
A run is idempotent: unchanged files are skipped, a changed file swaps its chunks in one transaction,
so a run resumed after its worker was killed finishes the work without duplicates."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path


def task_id(paths: list[str], *, prune: bool, source: str | None) -> str:
    """One task per (paths, options) and second: a request repeated at once (a double click, a retried
    CLI call) is one task; the same ingest asked again later is a new run."""
    import time

    key = json.dumps({"paths": paths, "prune": prune, "source": source, "t": int(time.time())}, sort_keys=True)
    return "ingest:" + hashlib.sha256(key.encode()).hexdigest()[:24]


WAIT_FOR_OTHER_INGEST_S = 3600.0


def run_ingest(settings, db_url: str, payload: dict) -> dict:
    """Runs after any ingest already writing to the same index (one writer per index): waiting is
    not a failure, so it does not use up the task's attempts."""
    import time

    from ingest.kb import IngestBusyError, KnowledgeBase

    kb = KnowledgeBase(settings)
    deadline = time.monotonic() + WAIT_FOR_OTHER_INGEST_S
    try:
        while True:
            try:
                report = kb.ingest([Path(p) for p in payload["paths"]], prune=bool(payload.get("prune")),
                                   source=payload.get("source"))
                break
            except IngestBusyError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)
    finally:
        kb.close()
    return report.summary()
