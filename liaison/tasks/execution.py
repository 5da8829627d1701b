"""Running one delivered task: claim its lease, keep the lease alive while the handler works,
record the outcome. Shared by every backend."""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

from liaison import metrics
from liaison.tasks import store
from liaison.tasks.registry import kind as task_kind

log = logging.getLogger("liaison.tasks")


class RetryLater(Exception):
    """The attempt failed and the task will be tried again (the backend applies the backoff)."""


def new_owner() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class _Heartbeat:
    """Renews the lease every third of its length until stopped."""

    def __init__(self, db_url: str, task_id: str, owner: str, lease_s: float) -> None:
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, args=(db_url, task_id, owner, lease_s),
                                        name=f"lease-{task_id[:40]}", daemon=True)
        self._thread.start()

    def _run(self, db_url: str, task_id: str, owner: str, lease_s: float) -> None:
        while not self._stop.wait(lease_s / 3):
            try:
                if not store.renew(db_url, task_id, owner, lease_s):
                    self.lost = True
                    log.warning("task %s: lease lost (the database was unreachable longer than the lease)", task_id)
                    return
            except Exception:  # noqa: BLE001 - a database blip: the next beat retries within the lease
                log.exception("task %s: lease renewal failed", task_id)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def execute(settings, db_url: str, task_id: str, *, owner: str | None = None, context: dict | None = None) -> str:
    """Run the task if this worker can claim it. Returns done, skipped (not ours to run: done already,
    or running under a live lease), dead or missing; raises RetryLater when another attempt is due."""
    found = store.payload_of(db_url, task_id)
    if found is None:
        return "missing"
    kind_name, payload = found
    owner = owner or new_owner()
    lease_s = settings.task_lease_s
    if not store.claim(db_url, task_id, owner, lease_s):
        return "skipped"
    spec = task_kind(kind_name)
    started = time.monotonic()
    heartbeat = _Heartbeat(db_url, task_id, owner, lease_s)
    try:
        result = spec.load()(settings, db_url, payload, **(context or {}))
    except Exception as exc:  # noqa: BLE001 - recorded on the task, retried or dead-lettered
        heartbeat.stop()
        log.exception("task %s (%s) failed", task_id, kind_name)
        error = f"{type(exc).__name__}: {exc}"
        status = store.fail(db_url, task_id, owner, error, max_attempts=settings.task_max_attempts)
        metrics.TASK_DURATION.labels(kind_name).observe(time.monotonic() - started)
        if status == "dead":
            on_dead = spec.load_on_dead()
            if on_dead is not None:
                on_dead(settings, db_url, payload, error)
            return "dead"
        if status == "retrying":
            raise RetryLater(error) from exc
        return status
    heartbeat.stop()
    store.finish(db_url, task_id, owner, result if isinstance(result, dict) else None)
    return "done"


def backoff_s(settings, attempt: int) -> float:
    """Exponential backoff: min, 2*min, 4*min, ... capped at max."""
    return min(settings.task_max_backoff_s, settings.task_min_backoff_s * (2 ** max(0, attempt - 1)))
