"""Translation jobs as background tasks (`liaison.tasks`): what a worker runs, and what happens when a
job gives up after its last attempt."""
from __future__ import annotations

from translation.jobs import fail_job, run_job


def task_id(job_id: str) -> str:
    return f"translation:{job_id}"


def run_translation_job(settings, db_url: str, payload: dict, *, chat_model=None) -> dict:
    """Idempotent: a job resumed after its worker died runs again from the top; segments already in
    the memory cost nothing, outputs and per-segment data are replaced, not added."""
    return {"status": run_job(settings, db_url, payload["job_id"], chat_model=chat_model)}


def give_up_translation_job(settings, db_url: str, payload: dict, error: str) -> None:
    fail_job(db_url, payload["job_id"], f"internal error after retries: {error.split(':', 1)[0]}")
