"""Handover to a person: inquiries created by the assistant (or the widget, or intake), answered and
closed by officers. Python interface used by the API, the console and the intake capability.

Stored transcripts and the masked message go through `mask_pii` (and the masked message through
`mask_names`); the contact fields and the message as written are returned only with `reveal=True`,
which writes an audit entry (who, when, from where).

Every personal field (name, e-mail, phone, message, masked message, transcript, replies, closing reason)
is encrypted at rest with the key that protects cases (`intake.crypto`: LIAISON_ENCRYPTION_KEY, or the
generated key file); rows written before encryption are read as they are. Pass `settings` so the key is
the application's (default: the process settings).
"""
from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from assistant.ids import session_secret, valid_session_id
from assistant.models import Inquiry, QuestionLog
from assistant.schemas import INQUIRY_STATUSES, InquiryCreate, InquiryPublic
from liaison import audit
from liaison.accounts import Principal
from liaison.db import session_scope
from liaison.pii import mask_names, mask_pii

__all__ = ["create_inquiry", "list_inquiries", "get_inquiry", "answer_inquiry", "close_inquiry",
           "InquiryNotFound", "InquiryStateError"]


class InquiryNotFound(LookupError):
    pass


class InquiryStateError(ValueError):
    """The requested change is not allowed in the inquiry's current status."""


def _reference(inquiry: Inquiry) -> str:
    year = (inquiry.created_at or datetime.now(UTC)).year
    return f"INQ-{year}-{inquiry.id:06d}"


def _masked_name(name: str | None) -> str | None:
    if not name:
        return None
    return " ".join(part[0] + "." for part in name.split() if part)


def _masked_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


def _masked_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    digits = [c for c in phone if c.isdigit()]
    return "*** " + "".join(digits[-2:]) if digits else None


ENCRYPTED_FIELDS = ("name", "email", "phone", "message", "message_masked", "transcript", "replies", "closed_reason")
_FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80 + timestamp)


class _Sealed:
    """Reads and writes the encrypted fields of one inquiry row."""

    def __init__(self, settings) -> None:
        from intake.crypto import cipher_for
        from liaison.settings import get_settings

        self.settings = settings or get_settings()
        self.cipher = cipher_for(self.settings)

    def get(self, row: Inquiry, field: str) -> str | None:
        value = getattr(row, field)
        if value is None or not value.startswith(_FERNET_PREFIX):
            return value  # written before field encryption
        return self.cipher.decrypt(value)

    def set(self, row: Inquiry, field: str, value: str | None) -> None:
        setattr(row, field, self.cipher.encrypt(value))


def _public(row: Inquiry, reveal: bool, sealed: _Sealed) -> InquiryPublic:
    name = sealed.get(row, "name")
    email = sealed.get(row, "email")
    phone = sealed.get(row, "phone")
    masked = sealed.get(row, "message_masked")
    return InquiryPublic(
        reference=row.reference or _reference(row), id=row.id, status=row.status,
        created_at=row.created_at, updated_at=row.updated_at, session_id=row.session_id,
        language=row.language, source=row.source,
        name=name if reveal else _masked_name(name),
        email=email if reveal else _masked_email(email),
        phone=phone if reveal else _masked_phone(phone),
        message=sealed.get(row, "message") if reveal else (mask_names(masked, name) if masked else masked),
        transcript=json.loads(sealed.get(row, "transcript") or "[]"),
        replies=json.loads(sealed.get(row, "replies") or "[]"),
        closed_reason=sealed.get(row, "closed_reason"), revealed=reveal,
    )


def _session_transcript(session, session_id: str, limit: int = 50) -> list[dict]:
    rows = session.scalars(select(QuestionLog).where(QuestionLog.session_id == session_id)
                           .order_by(QuestionLog.turn).limit(limit)).all()
    out: list[dict] = []
    for row in rows:
        out.append({"role": "user", "content": row.question})
        out.append({"role": "assistant", "content": row.answer})
    return out


def create_inquiry(db_url: str, data: InquiryCreate | None = None, /, *, settings=None, **fields) -> InquiryPublic:
    """Create an open inquiry and return it with its reference (INQ-YYYY-NNNNNN).
    Accepts an `InquiryCreate` or its fields as keywords (validated the same way)."""
    data = data or InquiryCreate(**fields)
    from liaison import metrics

    metrics.HANDOVERS.labels(data.source).inc()
    sealed = _Sealed(settings)
    with session_scope(db_url) as s:
        # Only a conversation id this server issued attaches a conversation (a chosen or guessed id must
        # not hand someone else's transcript to an inquiry).
        session_id = data.session_id if valid_session_id(session_secret(sealed.settings), data.session_id) else None
        if data.transcript:
            transcript = [{"role": m.role, "content": mask_pii(m.content)} for m in data.transcript]
        elif session_id:
            transcript = _session_transcript(s, session_id)
        else:
            transcript = []
        now = datetime.now(UTC)
        row = Inquiry(created_at=now, updated_at=now, status="open", session_id=session_id,
                      language=data.language, source=data.source)
        for field, value in (("name", data.name), ("email", data.email), ("phone", data.phone),
                             ("message", data.message),
                             ("message_masked", mask_names(mask_pii(data.message), data.name) if data.message else None),
                             ("transcript", json.dumps(transcript, ensure_ascii=False)), ("replies", "[]")):
            sealed.set(row, field, value)
        s.add(row)
        s.flush()
        row.reference = _reference(row)
        audit.record(s, actor="public" if data.source == "assistant" else data.source, role="public",
                     action="inquiry.create", object_type="inquiry", object_id=row.reference,
                     detail={"session_id": session_id, "language": data.language})
        s.flush()
        return _public(row, reveal=False, sealed=sealed)


def list_inquiries(db_url: str, status: str | None = None, *, limit: int = 100, offset: int = 0,
                   settings=None) -> list[InquiryPublic]:
    """Inquiries, newest first, personal data masked."""
    if status is not None and status not in INQUIRY_STATUSES:
        raise ValueError(f"unknown status {status!r}; allowed: {', '.join(INQUIRY_STATUSES)}")
    sealed = _Sealed(settings)
    with session_scope(db_url) as s:
        q = select(Inquiry).order_by(Inquiry.id.desc())
        if status:
            q = q.where(Inquiry.status == status)
        return [_public(r, reveal=False, sealed=sealed) for r in s.scalars(q.limit(max(1, min(limit, 1000))).offset(max(0, offset)))]


def _load(s, reference: str) -> Inquiry:
    row = s.scalar(select(Inquiry).where(Inquiry.reference == reference.strip().upper()))
    if row is None:
        raise InquiryNotFound(f"no inquiry {reference!r}")
    return row


def get_inquiry(db_url: str, reference: str, reveal: bool = False, actor: Principal | None = None,
                source_ip: str = "", settings=None) -> InquiryPublic:
    """One inquiry; with `reveal=True` the personal data as given, and an audit entry naming `actor`."""
    if reveal and (actor is None or actor.is_anonymous):
        raise PermissionError("revealing personal data needs an authenticated actor")
    with session_scope(db_url) as s:
        row = _load(s, reference)
        if reveal:
            audit.record(s, actor=actor.username, role=actor.role, action="inquiry.read_personal",
                         object_type="inquiry", object_id=row.reference, source_ip=source_ip)
        return _public(row, reveal=reveal, sealed=_Sealed(settings))


def answer_inquiry(db_url: str, reference: str, message: str, actor: Principal, source_ip: str = "",
                   settings=None) -> InquiryPublic:
    """Record an officer's reply; the inquiry becomes `answered` (it can be answered again until closed)."""
    message = (message or "").strip()
    if not message:
        raise ValueError("the answer message is empty")
    with session_scope(db_url) as s:
        row = _load(s, reference)
        if row.status == "closed":
            raise InquiryStateError(f"inquiry {row.reference} is closed; it cannot be answered")
        now = datetime.now(UTC)
        sealed = _Sealed(settings)
        replies = json.loads(sealed.get(row, "replies") or "[]")
        replies.append({"at": now.isoformat(), "by": actor.username, "message": message})
        sealed.set(row, "replies", json.dumps(replies, ensure_ascii=False))
        row.status = "answered"
        row.updated_at = now
        audit.record(s, actor=actor.username, role=actor.role, action="inquiry.answer", object_type="inquiry",
                     object_id=row.reference, source_ip=source_ip, detail={"chars": len(message)})
        return _public(row, reveal=False, sealed=sealed)


def close_inquiry(db_url: str, reference: str, reason: str, actor: Principal, source_ip: str = "",
                  settings=None) -> InquiryPublic:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a closing reason is required")
    with session_scope(db_url) as s:
        row = _load(s, reference)
        if row.status == "closed":
            raise InquiryStateError(f"inquiry {row.reference} is already closed")
        row.status = "closed"
        sealed = _Sealed(settings)
        sealed.set(row, "closed_reason", mask_pii(reason))
        row.updated_at = datetime.now(UTC)
        audit.record(s, actor=actor.username, role=actor.role, action="inquiry.close", object_type="inquiry",
                     object_id=row.reference, source_ip=source_ip, detail={"reason": mask_pii(reason)[:200]})
        return _public(row, reveal=False, sealed=sealed)
