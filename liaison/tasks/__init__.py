"""Background tasks (translation jobs, ingestion runs, report builds) on a task queue.

- With `LIAISON_BROKER_URL` (redis://… or amqp://…) tasks go to Dramatiq over Redis or RabbitMQ and
  are run by `liaison worker` processes on any machine.
- Without it (the embedded default) they run in threads of the process that enqueued them.
Either way every task has a row in the shared database with a lease (`liaison.tasks.store`): at-least
once delivery, a killed worker's task resumed once and never run twice at the same time, retries with
exponential backoff, then the dead-letter state shown by `liaison tasks` and the console.
"""
from __future__ import annotations

from liaison.tasks.registry import KINDS
from liaison.tasks.queue import TaskQueue, enqueue, get_queue

__all__ = ["KINDS", "TaskQueue", "enqueue", "get_queue"]
