"""The two ways tasks travel: Dramatiq over Redis/RabbitMQ (`LIAISON_BROKER_URL`), or threads of
this process (embedded default). Both record the task first, so nothing is lost if delivery fails."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from liaison.tasks import store
from liaison.tasks.execution import RetryLater, backoff_s, execute, new_owner
from liaison.tasks.registry import kind as task_kind

log = logging.getLogger("liaison.tasks")


class TaskQueue(Protocol):
    def send(self, task_id: str) -> None: ...
    def close(self) -> None: ...


def enqueue(queue: TaskQueue, db_url: str, kind: str, task_id: str, payload: dict[str, Any]) -> str:
    """Record the task (idempotent: the same id twice is one task) and send it. Returns the id."""
    task_kind(kind)  # fail fast on an unknown kind
    store.record(db_url, task_id, kind, payload)
    queue.send(task_id)
    return task_id


class InProcessQueue:
    """Runs tasks in a thread pool of this process, with the same leases as the workers: several API
    processes on one data dir never run one task twice, and a sweeper resumes the tasks of a process
    that was killed once their lease expires."""

    def __init__(self, settings, db_url: str, *, context: dict | None = None) -> None:
        self.settings, self.db_url, self.context = settings, db_url, context or {}
        self._pool = ThreadPoolExecutor(max_workers=settings.task_threads, thread_name_prefix="liaison-task")
        self._stop = threading.Event()
        self._sweeper = threading.Thread(target=self._sweep_loop, name="liaison-task-sweeper", daemon=True)
        self._sweeper.start()

    def send(self, task_id: str, delay_s: float = 0.0) -> None:
        if self._stop.is_set():
            return
        if delay_s > 0:
            timer = threading.Timer(delay_s, self.send, args=(task_id,))
            timer.daemon = True
            timer.start()
            return
        self._pool.submit(self._run, task_id)

    def _run(self, task_id: str) -> None:
        try:
            execute(self.settings, self.db_url, task_id, owner=new_owner(), context=self.context)
        except RetryLater:
            task = store.get(self.db_url, task_id)
            self.send(task_id, delay_s=backoff_s(self.settings, task.attempts if task else 1))
        except Exception:  # noqa: BLE001 - keep the pool alive; the lease sweeper resumes the task
            log.exception("task %s: unexpected error", task_id)

    def _sweep_loop(self) -> None:
        while not self._stop.wait(max(1.0, self.settings.task_lease_s / 2)):
            try:
                for task_id in store.requeue_expired(self.db_url):
                    log.warning("task %s: its worker stopped renewing the lease; resuming it", task_id)
                    self.send(task_id)
            except Exception:  # noqa: BLE001 - the next sweep retries
                log.exception("task sweep failed")

    def close(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)


class BrokerQueue:
    """Producer side of the Dramatiq queue (API processes, CLI)."""

    def __init__(self, settings) -> None:
        from liaison.tasks.broker import task_actor

        self._actor = task_actor(settings)

    def send(self, task_id: str) -> None:
        self._actor.send(task_id)

    def close(self) -> None:
        pass


def get_queue(settings, db_url: str, *, context: dict | None = None) -> TaskQueue:
    """The configured queue. `context` (e.g. an in-memory chat model in tests) reaches handlers only in
    process: across a broker only the payload travels."""
    if settings.broker_url:
        return BrokerQueue(settings)
    return InProcessQueue(settings, db_url, context=context)
