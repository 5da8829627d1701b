"""Dramatiq over Redis or RabbitMQ: the broker and the one actor that runs any task by id.

Only the task id travels in the message; kind and payload are read from the database, so a message
holds no personal data and a task can be re-sent from its row at any time. Why Dramatiq: maintained,
small, at-least-once delivery (a message is acknowledged after it ran; Redis re-queues the messages
of a worker whose heartbeat stopped, RabbitMQ those of a closed connection), retries with
exponential backoff, dead-letter queues, and both brokers this machine runs.
"""
from __future__ import annotations

import threading
from urllib.parse import urlparse

_lock = threading.Lock()
_actors: dict[str, object] = {}
_worker_settings: dict[str, object] = {}
ACTOR_NAME = "liaison_task"


def make_broker(settings):
    import dramatiq  # noqa: F401  (Dramatiq must be importable: the `dramatiq` dependency)

    url = settings.broker_url
    scheme = urlparse(url).scheme
    if scheme in ("redis", "rediss"):
        from dramatiq.brokers.redis import RedisBroker

        # heartbeat_timeout: how long before a silent worker's unacknowledged messages go back to the
        # queue; maintenance_chance (per million commands) makes that sweep happen soon after.
        return RedisBroker(url=url, namespace=settings.task_queue, heartbeat_timeout=int(settings.task_lease_s * 1000),
                           maintenance_chance=50_000)
    if scheme in ("amqp", "amqps"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url)
    raise ValueError(f"LIAISON_BROKER_URL must start with redis://, rediss://, amqp:// or amqps://, got {scheme!r}")


def task_actor(settings):
    """The actor bound to the configured broker (one per process and broker URL)."""
    import dramatiq

    with _lock:
        actor = _actors.get(settings.broker_url)
        if actor is None:
            broker = make_broker(settings)
            dramatiq.set_broker(broker)
            actor = dramatiq.actor(
                _run, actor_name=ACTOR_NAME, queue_name=settings.task_queue, broker=broker,
                # Our task rows decide when to give up (task_max_attempts); Dramatiq applies the backoff.
                max_retries=settings.task_max_attempts + 1,
                min_backoff=int(settings.task_min_backoff_s * 1000), max_backoff=int(settings.task_max_backoff_s * 1000),
                # Tasks have their own limits (translation job and file timeouts); no 10-minute kill.
                time_limit=24 * 3600 * 1000, max_age=None,
            )
            _actors[settings.broker_url] = actor
        return actor


def bind_worker_settings(settings, db_url: str) -> None:
    """Called by `liaison worker` before it consumes: the settings the actor runs tasks with."""
    _worker_settings["settings"], _worker_settings["db_url"] = settings, db_url


def _run(task_id: str) -> None:
    from liaison.tasks.execution import execute

    settings = _worker_settings.get("settings")
    if settings is None:  # a consumer started without `liaison worker`: read the environment
        from liaison.settings import Settings

        settings = Settings()
        _worker_settings["settings"], _worker_settings["db_url"] = settings, settings.resolved_database_url
    execute(settings, str(_worker_settings["db_url"]), task_id)  # RetryLater propagates: Dramatiq retries
