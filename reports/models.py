"""Tables of statistical returns: one row per submitted file (`stat_submissions`, every version kept)
and one row per figure (`stat_lines`). Exactly one submission per institution/year/branch is
`current` (a partial unique index enforces it); older ones are `superseded`, refused ones `rejected`.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from liaison.db import Base

CURRENT, SUPERSEDED, REJECTED = "current", "superseded", "rejected"
STATUSES = (CURRENT, SUPERSEDED, REJECTED)

# BIGINT on PostgreSQL; INTEGER on SQLite so the primary key is the rowid (auto-increment).
BigId = BigInteger().with_variant(Integer, "sqlite")


class Hundredths(TypeDecorator):
    """A Decimal with two places stored as an integer count of hundredths: sums are exact and identical
    on SQLite and PostgreSQL (no float rounding in financial totals)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_exact())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


class StatSubmission(Base):
    __tablename__ = "stat_submissions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    institution: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    branch: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(12))
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    submitted_by: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_lines: Mapped[int] = mapped_column(Integer, default=0)
    control_totals: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of the first errors
    warnings: Mapped[str] = mapped_column(Text, default="[]")
    replaces_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_stat_submissions_key", "institution", "year", "branch"),
        Index("uq_stat_submissions_current", "institution", "year", "branch", unique=True,
              sqlite_where=text("status = 'current'"), postgresql_where=text("status = 'current'")),
        Index("ix_stat_submissions_year_status", "year", "status"),
    )


class StatLine(Base):
    __tablename__ = "stat_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    submission_id: Mapped[int] = mapped_column(BigId, ForeignKey("stat_submissions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    institution: Mapped[str] = mapped_column(String(200))
    branch: Mapped[str] = mapped_column(String(30))
    instrument: Mapped[str] = mapped_column(String(12))
    partner: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(20))
    indicator: Mapped[str] = mapped_column(String(60))
    breakdown: Mapped[str] = mapped_column(String(80), default="")
    value: Mapped[Decimal] = mapped_column(Hundredths)
    unit: Mapped[str] = mapped_column(String(8))
    source_file: Mapped[str] = mapped_column(String(255))
    source_sheet: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_line: Mapped[int] = mapped_column(Integer)
