"""Typed inputs/outputs of the assistant (HTTP bodies and the Python interfaces share them)."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from liaison.timeutil import IsoDate, UtcDateTime

# ISO 639-1 codes the assistant knows how to detect or be told (UI hint); others are refused with the list.
KNOWN_LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "nl", "pl", "ro", "ar", "tr", "ru", "zh", "uk")
FEEDBACK_REASONS = ("wrong", "no_source", "too_long", "other")
INQUIRY_STATUSES = ("open", "answered", "closed")
_SESSION_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ().\-]{6,30}$")


def normalise_language(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    if code not in KNOWN_LANGUAGES:
        raise ValueError(f"unknown language {value!r}; allowed: {', '.join(KNOWN_LANGUAGES)}")
    return code


def check_session_id(value: str | None) -> str | None:
    if value is None:
        return None
    if not _SESSION_ID.match(value):
        raise ValueError("session_id must be 1-64 characters among letters, digits and _ . : -")
    return value


def _reject_binary(text: str, field: str) -> str:
    # Control characters other than whitespace mean binary junk, not a question.
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r") or 0xFFF0 <= ord(ch) <= 0xFFFF or 0xD800 <= ord(ch) <= 0xDFFF)
    if bad:
        raise ValueError(f"{field} contains {bad} control/binary characters; send plain text")
    return text


class Message(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": "Je suis détaché en Italie, combien de temps je reste à la sécu française ?"},
        {"question": "et pour la Polynésie ?", "session_id": "3f1c2b7a9d"},
        {"question": "Can I use my EHIC for planned surgery abroad?", "language": "en", "stream": False},
    ]})

    question: str = Field(min_length=1, max_length=4000, description="The question as typed (1..4000 characters).")
    session_id: str | None = Field(None, description="Conversation id; the server keeps the masked transcript.")
    history: list[Message] | None = Field(None, max_length=50)
    language: str | None = Field(None, description="UI language hint (ISO 639-1).")
    filters: dict | None = Field(None, description="Knowledge-base filters: source, path, ref, instrument_type, "
                                 "language, country, audience.")
    as_of: IsoDate | None = Field(None, description="Only texts in force on this date (YYYY-MM-DD).")
    engine: Literal["extractive", "llm"] | None = None
    stream: bool = False

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        value = _reject_binary(value, "question").strip()
        if not value:
            raise ValueError("question is empty")
        return value

    _lang = field_validator("language")(classmethod(lambda cls, v: normalise_language(v)))
    _sid = field_validator("session_id")(classmethod(lambda cls, v: check_session_id(v)))


class Citation(BaseModel):
    n: int
    path: str
    ref: str
    title: str
    quote: str
    url: str = ""
    document_url: str = ""
    version_date: str | None = None
    instrument_type: str | None = None


class AskResponse(BaseModel):
    answer_id: str
    session_id: str
    answer: str
    abstained: bool
    language: str
    citations: list[Citation]
    handover_suggested: bool
    notice: str | None = None
    engine: str = "extractive"
    refused: bool = False
    evidence: float = 0.0


class FeedbackCreate(BaseModel):
    answer_id: str = Field(min_length=1, max_length=32)
    useful: bool
    reason: Literal["wrong", "no_source", "too_long", "other"] | None = None
    comment: str | None = Field(None, max_length=2000)


class InquiryCreate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "session_id": "3f1c2b7a9d", "name": "Marie Martin", "email": "marie@example.org",
        "message": "Je voudrais parler à un conseiller de mon détachement au Japon.", "language": "fr"}]})

    session_id: str | None = None
    transcript: list[Message] | None = Field(None, max_length=100)
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    message: str | None = Field(None, max_length=10_000)
    language: str | None = None
    source: str = Field("assistant", max_length=20)

    _lang = field_validator("language")(classmethod(lambda cls, v: normalise_language(v)))
    _sid = field_validator("session_id")(classmethod(lambda cls, v: check_session_id(v)))

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value.strip()):
            raise ValueError("email is not a valid e-mail address")
        return value.strip() if value else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not _PHONE.match(value.strip()):
            raise ValueError("phone may hold digits, spaces, + ( ) . - only (6-30 characters)")
        return value.strip() if value else None

    @field_validator("message", "name")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return _reject_binary(value, "text").strip() or None if value else None

    @model_validator(mode="after")
    def _something_to_hand_over(self) -> "InquiryCreate":
        if not (self.message or self.transcript or self.session_id):
            raise ValueError("give at least a message, a transcript or the session_id of the conversation")
        return self


class InquiryPublic(BaseModel):
    reference: str
    id: int
    status: Literal["open", "answered", "closed"]
    created_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    session_id: str | None = None
    language: str | None = None
    source: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    message: str | None = None
    transcript: list[dict] = Field(default_factory=list)
    replies: list[dict] = Field(default_factory=list)
    closed_reason: str | None = None
    revealed: bool = False


class InquiryAnswer(BaseModel):
    message: str = Field(min_length=1, max_length=20_000)


class InquiryClose(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
