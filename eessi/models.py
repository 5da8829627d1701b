"""Tables of the EESSI desk: imports of exchange counts (every file kept as a row, idempotent by hash)
and their lines. One line = the SEDs of one BUC/SED/partner/direction in one month, for one institution;
a later import by the same institution replaces that institution's lines for the months it covers."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from liaison.db import Base

BigId = BigInteger().with_variant(Integer, "sqlite")
SENT, RECEIVED = "sent", "received"
DIRECTIONS = (SENT, RECEIVED)


class ExchangeImport(Base):
    __tablename__ = "eessi_count_imports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    institution: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    submitted_by: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    first_month: Mapped[str] = mapped_column(String(7))
    last_month: Mapped[str] = mapped_column(String(7))
    catalogue_version: Mapped[str] = mapped_column(String(32))


class ExchangeCount(Base):
    __tablename__ = "eessi_exchange_counts"
    __table_args__ = (
        Index("ix_eessi_counts_key", "institution", "month", "buc", "sed", "partner", "direction", unique=True),
        Index("ix_eessi_counts_year", "year"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("eessi_count_imports.id"))
    institution: Mapped[str] = mapped_column(String(200))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    year: Mapped[int] = mapped_column(Integer)
    buc: Mapped[str] = mapped_column(String(20))
    sed: Mapped[str] = mapped_column(String(12))
    partner: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    response_days: Mapped[float | None] = mapped_column(Float, nullable=True)  # mean over `answered`
    open: Mapped[int] = mapped_column(Integer, default=0)  # awaiting an answer at the end of the month
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
