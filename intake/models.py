"""Tables of the intake capability (migrations: intake/migrations, branch `intake`).

Personal data lives only in the `*_enc` columns (Fernet, see intake/crypto.py). Plain columns hold
what the queue, filters and statistics need: type, status, states, dates, employer, a masked label.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from liaison.db import Base


class Case(Base):
    __tablename__ = "intake_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    case_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    applicant_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True, index=True)
    access_key_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    home_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    work_country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    person_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    requested_months: Mapped[float | None] = mapped_column(Float, nullable=True)
    instrument_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    route: Mapped[str | None] = mapped_column(String(20), nullable=True)
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    employer_siret: Mapped[str | None] = mapped_column(String(14), nullable=True)
    applicant_label: Mapped[str] = mapped_column(String(80), default="")
    payload_enc: Mapped[str] = mapped_column(Text)
    assigned_to: Mapped[str | None] = mapped_column(String(120), nullable=True)
    team: Mapped[str | None] = mapped_column(String(60), nullable=True)
    deadline_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    clock_paused_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminder_sent_for: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    info_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    proposed_decision: Mapped[str | None] = mapped_column(String(10), nullable=True)
    proposal_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    proposed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    proposed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(10), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    legal_basis: Mapped[str | None] = mapped_column(String(400), nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    # Optimistic locking: every UPDATE carries "WHERE version = <read version>".
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_intake_cases_status_deadline", "status", "deadline_on", "id"),
        Index("ix_intake_cases_type_status", "case_type", "status"),
        Index("ix_intake_cases_assigned_status", "assigned_to", "status"),
        Index("ix_intake_cases_submitted_at", "submitted_at"),
        Index("ix_intake_cases_closed_at", "closed_at"),
        Index("ix_intake_cases_deadline_id", "deadline_on", "id"),
        Index("ix_intake_cases_updated_id", "updated_at", "id"),
        Index("ix_intake_cases_team_status", "team", "status"),
        Index("ix_intake_cases_employer_siret", "employer_siret"),
        # + on PostgreSQL: lower(employer_name) text_pattern_ops (migration intake_0002)
    )


class CaseEvent(Base):
    """History: every change, comment, message and reminder, in order."""

    __tablename__ = "intake_case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("intake_cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    action: Mapped[str | None] = mapped_column(String(40), nullable=True)
    from_status: Mapped[str | None] = mapped_column(String(30), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(30), nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(30), nullable=True)
    body_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    visibility: Mapped[str] = mapped_column(String(10), default="internal")


class CaseExchange(Base):
    """What was sent to and received from the other state about a case, and when (EESSI LA_BUC_01:
    A001 request, A002 rejection, A011 acceptance). No personal data: codes, states and dates."""

    __tablename__ = "intake_exchanges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("intake_cases.id", ondelete="CASCADE"), index=True)
    buc: Mapped[str] = mapped_column(String(20))
    sed: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str] = mapped_column(String(10))        # sent | received
    other_state: Mapped[str | None] = mapped_column(String(2), nullable=True)
    exchanged_on: Mapped[dt.date] = mapped_column(Date)       # date sent / received
    deemed_consent_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CaseAttachment(Base):
    __tablename__ = "intake_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("intake_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    name_enc: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    scan_status: Mapped[str] = mapped_column(String(20), default="not_scanned")


class IdempotencyKey(Base):
    """A submission replayed with the same key returns the case it created instead of a second one."""

    __tablename__ = "intake_idempotency"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    principal: Mapped[str] = mapped_column(String(160))
    key: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("intake_cases.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("principal", "key", name="uq_intake_idempotency_principal_key"),)
