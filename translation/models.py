"""Tables of the translation desk (migration: translation/migrations/translation_0001_initial.py)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liaison.db import Base


class MemoryEntry(Base):
    """One source sentence and its translation for a language pair (one entry per exact source)."""

    __tablename__ = "translation_memory"
    __table_args__ = (Index("ix_translation_memory_pair", "source_lang", "target_lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256(pair, normalised source)
    skeleton_key: Mapped[str] = mapped_column(String(64), index=True)  # same with numbers masked
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))  # confirmed | imported | machine
    engine: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source_words: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MemoryToken(Base):
    """Inverted index of content words, to find fuzzy-match candidates on SQLite and PostgreSQL alike."""

    __tablename__ = "translation_memory_tokens"

    entry_id: Mapped[int] = mapped_column(ForeignKey("translation_memory.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class MemoryHistory(Base):
    """A confirmed translation that was replaced by a newer one (nothing validated is lost)."""

    __tablename__ = "translation_memory_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_key: Mapped[str] = mapped_column(String(64), index=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))
    confirmed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class GlossaryEntry(Base):
    __tablename__ = "translation_glossary_terms"
    __table_args__ = (UniqueConstraint("source_lang", "target_lang", "source_key", name="uq_translation_glossary_term"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source_key: Mapped[str] = mapped_column(String(200))  # casefolded source term
    source_term: Mapped[str] = mapped_column(String(200))
    target_term: Mapped[str] = mapped_column(String(200))
    dnt: Mapped[bool] = mapped_column(Boolean, default=False)
    pattern: Mapped[bool] = mapped_column(Boolean, default=False)
    accept: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    avoid: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Job(Base):
    __tablename__ = "translation_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: also the download capability
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    owner: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued running done partial failed cancelled expired
    source_lang: Mapped[str] = mapped_column(String(8))  # may be "auto"
    target_lang: Mapped[str] = mapped_column(String(8))
    engine: Mapped[str] = mapped_column(String(16))
    options: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    chars: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class JobFile(Base):
    __tablename__ = "translation_job_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("translation_jobs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    fmt: Mapped[str] = mapped_column(String(16))
    size_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # queued running done partial failed cancelled
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    detected_lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    detected_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    segments: Mapped[int] = mapped_column(Integer, default=0)
    words: Mapped[int] = mapped_column(Integer, default=0)
    chars: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    flag_counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    input_path: Mapped[str] = mapped_column(Text)
    output_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    output_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    report_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    xliff_path: Mapped[str | None] = mapped_column(Text, nullable=True)


class JobSegment(Base):
    __tablename__ = "translation_segments"
    __table_args__ = (Index("ix_translation_segments_file_pos", "file_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("translation_job_files.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[str] = mapped_column(String(80))
    source_lang: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    origin: Mapped[str] = mapped_column(String(24))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of flags


class UsageEvent(Base):
    """Every translation done (text request, document): feeds the per-key quotas and the statistics."""

    __tablename__ = "translation_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date, index=True)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    principal: Mapped[str] = mapped_column(String(120))
    client: Mapped[str] = mapped_column(String(64), default="")  # IP, for anonymous quotas
    channel: Mapped[str] = mapped_column(String(16))  # text | file | job | cli
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    documents: Mapped[int] = mapped_column(Integer, default=0)
    segments: Mapped[int] = mapped_column(Integer, default=0)
    words: Mapped[int] = mapped_column(Integer, default=0)
    chars: Mapped[int] = mapped_column(Integer, default=0)


class Certification(Base):
    """A translation submitted for certification (article R767-2, 8°), then certified."""

    __tablename__ = "translation_certifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(16))  # in_review | certified
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source_name: Mapped[str] = mapped_column(String(255))
    translation_name: Mapped[str] = mapped_column(String(255))
    source_sha256: Mapped[str] = mapped_column(String(64))
    translation_sha256: Mapped[str] = mapped_column(String(64))  # as submitted, without the certificate page
    source_path: Mapped[str] = mapped_column(Text)
    translation_path: Mapped[str] = mapped_column(Text)
    translator: Mapped[str] = mapped_column(String(120))
    submitted_by: Mapped[str] = mapped_column(String(120))
    job_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    certifier: Mapped[str | None] = mapped_column(String(120), nullable=True)
    certified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    certified_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    certified_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class CertificationSegment(Base):
    __tablename__ = "translation_certification_segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("translation_certifications.id", ondelete="CASCADE"),
                                                  index=True)
    position: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[str] = mapped_column(String(80))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    checked_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
