"""`liaison worker`: consumes tasks from the broker and sweeps expired leases (tasks of killed
workers, messages lost by a broker restart) back into the queue."""
from __future__ import annotations

import logging
import signal
import threading

from liaison.tasks import store

log = logging.getLogger("liaison.tasks.worker")


def run_worker(settings, *, threads: int, stop: threading.Event | None = None) -> None:
    import dramatiq

    from liaison.db import migrate
    from liaison.tasks.broker import bind_worker_settings, task_actor

    if not settings.broker_url:
        raise RuntimeError("no broker configured: set LIAISON_BROKER_URL (redis://host:6379/0 or "
                           "amqp://host:5672) to run task workers; without it tasks run inside the API process")
    db_url = settings.resolved_database_url
    migrate(db_url)
    bind_worker_settings(settings, db_url)
    actor = task_actor(settings)
    stop = stop or threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker = dramatiq.Worker(actor.broker, worker_threads=threads, worker_timeout=500)
    worker.start()
    log.info("worker consuming queue %r with %d threads", settings.task_queue, threads)
    try:
        while not stop.wait(max(1.0, settings.task_lease_s / 3)):
            try:
                for task_id in store.requeue_expired(db_url):
                    log.warning("task %s: its worker stopped renewing the lease; resuming it", task_id)
                    actor.send(task_id)
                for task_id in store.undelivered(db_url, older_than_s=settings.task_redeliver_after_s):
                    store.touch(db_url, task_id)
                    actor.send(task_id)
            except Exception:  # noqa: BLE001 - database or broker blip: the next sweep retries
                log.exception("sweep failed")
    finally:
        worker.stop(timeout=int(settings.task_lease_s * 1000))
