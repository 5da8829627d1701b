"""Accounts and roles shared by every interface (API tokens, console log-in, institution uploads).

Tokens are random secrets shown once at creation; only their SHA-256 is stored. Console passwords
are hashed with scrypt. Authorisation decisions are made by `require_role` in api/deps.py.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from liaison.db import Base, session_scope

ROLES = (
    "applicant",      # follows their own intake cases
    "agent",          # staff of a French institution: legal lookup, console search
    "officer",        # case officer: intake queue, inquiries
    "supervisor",     # four-eyes approval, audit export
    "translator",     # translation desk
    "certifier",      # translation desk + certifies translations checked by them (R767-2 8°, four-eyes)
    "statistician",   # statistics and the annual report
    "institution",    # an institution account uploading statistical returns
    "admin",          # everything
)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str | None] = mapped_column(String(200), nullable=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)
    char_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)  # translation quota per day
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Principal:
    """Who is calling: an authenticated account, or the anonymous public (id None)."""

    id: int | None
    username: str
    role: str
    institution: str | None = None
    char_limit: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.id is None


ANONYMOUS = Principal(id=None, username="anonymous", role="public")


class AccountError(ValueError):
    pass


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, salt_hex, digest_hex = stored.split("$", 2)
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)


def _principal(account: Account) -> Principal:
    return Principal(account.id, account.username, account.role, account.institution, account.char_limit)


def create_account(
    db_url: str,
    username: str,
    role: str,
    *,
    password: str | None = None,
    institution: str | None = None,
    display_name: str = "",
    char_limit: int | None = None,
) -> tuple[Principal, str]:
    """Create an account; returns it and its API token (shown once, stored hashed)."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; allowed: {', '.join(ROLES)}")
    username = username.strip()
    if not username or len(username) > 120:
        raise AccountError("username must be 1-120 characters")
    token = "lia_" + secrets.token_urlsafe(32)
    with session_scope(db_url) as s:
        if s.scalar(select(Account).where(Account.username == username)):
            raise AccountError(f"username {username!r} already exists")
        account = Account(
            username=username, role=role, institution=institution, display_name=display_name,
            token_sha256=_sha256(token), password_hash=hash_password(password) if password else None,
            char_limit=char_limit,
        )
        s.add(account)
        s.flush()
        return _principal(account), token


def principal_for_token(db_url: str, token: str) -> Principal | None:
    if not token:
        return None
    with session_scope(db_url) as s:
        account = s.scalar(select(Account).where(Account.token_sha256 == _sha256(token), Account.active.is_(True)))
        return _principal(account) if account else None


def principal_for_password(db_url: str, username: str, password: str) -> Principal | None:
    with session_scope(db_url) as s:
        account = s.scalar(select(Account).where(Account.username == username, Account.active.is_(True)))
        if account and verify_password(password, account.password_hash):
            return _principal(account)
        return None


def list_accounts(db_url: str) -> list[Principal]:
    with session_scope(db_url) as s:
        return [_principal(a) for a in s.scalars(select(Account).order_by(Account.id))]
