"""Tables of the assistant: the question log (also the per-session conversation memory), answer
feedback and handover inquiries. Free text written by users is stored masked (liaison.pii.mask_pii);
inquiry contact fields are kept as given (an officer must be able to reply) and are shown only with
`reveal=True`, which is audited."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from liaison.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class QuestionLog(Base):
    __tablename__ = "assistant_questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # answer_id
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    turn: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    question: Mapped[str] = mapped_column(Text)          # masked
    resolved_query: Mapped[str] = mapped_column(Text)    # masked; follow-ups rewritten with their topic
    answer: Mapped[str] = mapped_column(Text)            # masked
    language: Mapped[str] = mapped_column(String(8), default="fr", index=True)
    engine: Mapped[str] = mapped_column(String(20), default="extractive")
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)
    handover_suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    topic: Mapped[str] = mapped_column(String(40), default="other", index=True)
    evidence: Mapped[float] = mapped_column(Float, default=0.0)
    citations: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{"path","ref"}]
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(20), default="api")  # api, chat, cli


class Feedback(Base):
    __tablename__ = "assistant_feedback"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    answer_id: Mapped[str] = mapped_column(String(32), ForeignKey("assistant_questions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    useful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # masked


class Inquiry(Base):
    __tablename__ = "assistant_inquiries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(24), unique=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="assistant")
    # Personal fields hold Fernet tokens (assistant/inquiries.py), longer than the values: Text.
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    email: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)        # as written (revealable)
    message_masked: Mapped[str | None] = mapped_column(Text, nullable=True)
    transcript: Mapped[str] = mapped_column(Text, default="[]")             # JSON, masked
    replies: Mapped[str] = mapped_column(Text, default="[]")                # JSON [{"at","by","message"}]
    closed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
