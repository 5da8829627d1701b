"""Append-only audit log: every read of personal data and every change, by whom, when, from where.

There is deliberately no update or delete function; on PostgreSQL a trigger also refuses UPDATE and
DELETE on the table (see migration core_0002), so the record cannot be rewritten through the app.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from liaison import csvsafe
from liaison.db import Base, session_scope
from liaison.pii import mask_pii


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(120), index=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. case.read_personal, case.update
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80), index=True)
    source_ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON; personal data masked


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    role: str
    action: str
    object_type: str
    object_id: str
    source_ip: str
    detail: dict[str, Any]


def record(
    session_or_url,
    *,
    actor: str,
    role: str,
    action: str,
    object_type: str,
    object_id: str | int,
    source_ip: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one entry. Pass an open Session to write in the same transaction as the change it
    describes (so a rolled-back change leaves no entry and a committed one always has its entry)."""
    entry = AuditEntry(
        at=datetime.now(UTC), actor=actor[:120], role=role[:20], action=action[:60],
        object_type=object_type[:40], object_id=str(object_id)[:80], source_ip=(source_ip or "")[:64],
        detail=mask_pii(json.dumps(detail or {}, ensure_ascii=False, default=str)),
    )
    if isinstance(session_or_url, str):
        with session_scope(session_or_url) as s:
            s.add(entry)
    else:
        session_or_url.add(entry)


def entries(
    db_url: str, *, object_type: str | None = None, object_id: str | None = None,
    actor: str | None = None, since: datetime | None = None, limit: int = 10_000,
) -> list[AuditRecord]:
    with session_scope(db_url) as s:
        q = select(AuditEntry).order_by(AuditEntry.id)
        if object_type:
            q = q.where(AuditEntry.object_type == object_type)
        if object_id is not None:
            q = q.where(AuditEntry.object_id == str(object_id))
        if actor:
            q = q.where(AuditEntry.actor == actor)
        if since:
            q = q.where(AuditEntry.at >= since)
        return [
            AuditRecord(e.id, e.at, e.actor, e.role, e.action, e.object_type, e.object_id, e.source_ip,
                        json.loads(e.detail or "{}"))
            for e in s.scalars(q.limit(limit))
        ]


def export_csv(records: Iterable[AuditRecord]) -> str:
    """Supervisor export (one row per entry)."""
    buf = io.StringIO()
    w = csvsafe.writer(buf)  # actor names, object ids and details come from users
    w.writerow(["id", "at", "actor", "role", "action", "object_type", "object_id", "source_ip", "detail"])
    for r in records:
        w.writerow([r.id, r.at.isoformat(), r.actor, r.role, r.action, r.object_type, r.object_id,
                    r.source_ip, json.dumps(r.detail, ensure_ascii=False)])
    return buf.getvalue()
