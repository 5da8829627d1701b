"""Task rows and their leases, in the database every API and task worker shares.

The queue (Redis, RabbitMQ or in-process) delivers at least once; the lease decides who runs:
a worker runs a task only after `claim` moved it to `running` under its name until `lease_until`,
and renews the lease while it works. A killed worker stops renewing: once the lease has expired,
the task can be claimed again (resumed once), and a duplicate delivery of a task that is running
under a live lease, or already done, is skipped. Tasks are idempotent (a translation re-run takes
what the memory holds; an ingest re-run skips unchanged files), so resuming is safe.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from liaison.db import Base, session_scope

STATUSES = ("queued", "running", "retrying", "done", "dead")
ACTIVE = ("queued", "running", "retrying")


class TaskRow(Base):
    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), index=True)
    owner: Mapped[str | None] = mapped_column(String(120), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    completions: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class TaskPublic:
    id: str
    kind: str
    status: str
    attempts: int
    completions: int
    owner: str | None
    last_error: str | None
    result: dict[str, Any] | None
    created_at: str
    finished_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def _public(row: TaskRow) -> TaskPublic:
    return TaskPublic(id=row.id, kind=row.kind, status=row.status, attempts=row.attempts,
                      completions=row.completions, owner=row.owner, last_error=row.last_error,
                      result=json.loads(row.result) if row.result else None,
                      created_at=_iso(row.created_at) or "", finished_at=_iso(row.finished_at))


def record(db_url: str, task_id: str, kind: str, payload: dict[str, Any]) -> bool:
    """Create the task row (queued). Returns False when the task exists and is still active or done
    (enqueueing the same task twice is harmless); a dead task is revived (an explicit retry)."""
    now = _now()
    with session_scope(db_url) as s:
        row = s.get(TaskRow, task_id, with_for_update=True)
        if row is None:
            s.add(TaskRow(id=task_id, kind=kind, payload=json.dumps(payload, ensure_ascii=False), status="queued",
                          attempts=0, completions=0, created_at=now, updated_at=now))
            return True
        if row.status == "dead":
            row.status, row.attempts, row.last_error, row.updated_at = "queued", 0, None, now
            return True
        return False


def claim(db_url: str, task_id: str, owner: str, lease_s: float) -> bool:
    """Atomically take the task for `owner` until now + lease_s. Only one claimant wins: a conditional
    UPDATE, so two workers racing on SQLite or PostgreSQL cannot both see rowcount 1."""
    now = _now()
    with session_scope(db_url) as s:
        result = s.execute(
            update(TaskRow)
            .where(TaskRow.id == task_id,
                   or_(TaskRow.status.in_(("queued", "retrying")),
                       (TaskRow.status == "running") & (TaskRow.lease_until < now)))
            .values(status="running", owner=owner, lease_until=now + timedelta(seconds=lease_s),
                    attempts=TaskRow.attempts + 1, updated_at=now)
        )
        return result.rowcount == 1


def renew(db_url: str, task_id: str, owner: str, lease_s: float) -> bool:
    """Extend the lease; False when the task is no longer ours (the lease expired and was taken)."""
    now = _now()
    with session_scope(db_url) as s:
        result = s.execute(update(TaskRow).where(TaskRow.id == task_id, TaskRow.owner == owner,
                                                 TaskRow.status == "running")
                           .values(lease_until=now + timedelta(seconds=lease_s), updated_at=now))
        return result.rowcount == 1


def finish(db_url: str, task_id: str, owner: str, result: dict[str, Any] | None) -> bool:
    now = _now()
    with session_scope(db_url) as s:
        done = s.execute(update(TaskRow).where(TaskRow.id == task_id, TaskRow.owner == owner,
                                               TaskRow.status == "running")
                         .values(status="done", lease_until=None, finished_at=now, updated_at=now,
                                 completions=TaskRow.completions + 1, last_error=None,
                                 result=json.dumps(result, ensure_ascii=False, default=str) if result else None))
        return done.rowcount == 1


def fail(db_url: str, task_id: str, owner: str, error: str, *, max_attempts: int) -> str:
    """Record a failed attempt: `retrying` (the queue retries with backoff) or, after max_attempts,
    `dead` (the dead-letter state, shown in the console and by `liaison tasks`)."""
    now = _now()
    with session_scope(db_url) as s:
        row = s.get(TaskRow, task_id, with_for_update=True)
        if row is None or row.owner != owner or row.status != "running":
            return row.status if row else "missing"
        row.status = "dead" if row.attempts >= max_attempts else "retrying"
        row.lease_until, row.last_error, row.updated_at = None, error[:2000], now
        if row.status == "dead":
            row.finished_at = now
        return row.status


def payload_of(db_url: str, task_id: str) -> tuple[str, dict[str, Any]] | None:
    with session_scope(db_url) as s:
        row = s.get(TaskRow, task_id)
        return (row.kind, json.loads(row.payload or "{}")) if row else None


def get(db_url: str, task_id: str) -> TaskPublic | None:
    with session_scope(db_url) as s:
        row = s.get(TaskRow, task_id)
        return _public(row) if row else None


def listing(db_url: str, *, status: str | None = None, kind: str | None = None, limit: int = 100) -> list[TaskPublic]:
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
    with session_scope(db_url) as s:
        query = select(TaskRow).order_by(TaskRow.created_at.desc()).limit(max(1, min(limit, 1000)))
        if status:
            query = query.where(TaskRow.status == status)
        if kind:
            query = query.where(TaskRow.kind == kind)
        return [_public(r) for r in s.scalars(query).all()]


def counts(db_url: str) -> dict[tuple[str, str], int]:
    from sqlalchemy import func

    with session_scope(db_url) as s:
        rows = s.execute(select(TaskRow.kind, TaskRow.status, func.count()).group_by(TaskRow.kind, TaskRow.status))
        return {(kind, status): n for kind, status, n in rows}


def requeue_expired(db_url: str, limit: int = 100) -> list[str]:
    """Move running tasks whose lease expired (their worker died) back to queued, and return their
    ids so the caller sends them again. A conditional UPDATE: when several workers sweep at once,
    each task is handed back by one of them."""
    now = _now()
    with session_scope(db_url) as s:
        ids = list(s.scalars(select(TaskRow.id).where(TaskRow.status == "running", TaskRow.lease_until < now)
                             .limit(limit)))
        requeued = []
        for task_id in ids:
            res = s.execute(update(TaskRow).where(TaskRow.id == task_id, TaskRow.status == "running",
                                                  TaskRow.lease_until < now)
                            .values(status="queued", owner=None, lease_until=None, updated_at=now))
            if res.rowcount == 1:
                requeued.append(task_id)
        return requeued


def undelivered(db_url: str, older_than_s: float, limit: int = 100) -> list[str]:
    """Queued or retrying tasks not picked up for a long time (a message lost with a broker restart)."""
    cutoff = _now() - timedelta(seconds=older_than_s)
    with session_scope(db_url) as s:
        return list(s.scalars(select(TaskRow.id).where(TaskRow.status.in_(("queued", "retrying")),
                                                       TaskRow.updated_at < cutoff).limit(limit)))


def touch(db_url: str, task_id: str) -> None:
    with session_scope(db_url) as s:
        s.execute(update(TaskRow).where(TaskRow.id == task_id).values(updated_at=_now()))
