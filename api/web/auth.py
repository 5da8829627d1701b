"""Console authentication: log-in, the session cookie, CSRF tokens.

The cookie `liaison_session` (HttpOnly, SameSite=Strict) holds either
- the account's API token, when the agent signs in with it: api/deps.py reads the same cookie, so the
  JSON API accepts the browser as that account; or
- a signed console session "lws1.<account>.<expiry>.<nonce>.<mac>", when the agent signs in with a
  password: accounts keep only token hashes, so a password log-in cannot recover the API token.
  The MAC also covers the account's password hash, so changing the password ends its sessions.

CSRF: every console POST carries a token. Signed in, it is an HMAC of the session cookie (the page
gets it, a cross-site attacker cannot); on the log-in form it is a double-submit cookie. POSTs whose
Origin header names another site are refused as well.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from fastapi import Request
from sqlalchemy import select

from liaison.accounts import Account, Principal, principal_for_token
from liaison.db import session_scope
from liaison.settings import Settings

SESSION_COOKIE = "liaison_session"
LOGIN_CSRF_COOKIE = "liaison_login_csrf"
SESSION_PREFIX = "lws1."
SESSION_SECONDS = 8 * 3600
CONSOLE_ROLES = ("agent", "officer", "supervisor", "admin")
# Same rules as the /v1/inquiries routes: agents may read the (masked) queue; revealing personal data,
# answering and closing are for officers and supervisors.
INQUIRY_ROLES = ("agent", "officer", "supervisor", "admin")
# Who may open the case queue (/console/cases, intake.web.pages): the menu shows it to them only.
CASE_ROLES = ("officer", "supervisor", "admin")
INQUIRY_ACT_ROLES = ("officer", "supervisor", "admin")
_KEY_FILE = "web-session.key"


def session_key(settings: Settings) -> bytes:
    """Signing key shared by all workers: derived from the configured encryption key, else a random
    key file created once (atomically) in the data directory."""
    if settings.encryption_key:
        return hmac.new(settings.encryption_key.encode(), b"liaison-web-session", hashlib.sha256).digest()
    path = Path(settings.data_dir) / _KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker won the race
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"web session key file {path} is damaged; delete it to create a new one")
    return bytes.fromhex(key)


def _mac(key: bytes, payload: str, password_hash: str | None) -> str:
    bound = hashlib.sha256((password_hash or "").encode()).hexdigest()
    return hmac.new(key, f"{payload}|{bound}".encode(), hashlib.sha256).hexdigest()


def _password_hash(db_url: str, account_id: int) -> tuple[Account | None, str | None]:
    with session_scope(db_url) as s:
        account = s.scalar(select(Account).where(Account.id == account_id, Account.active.is_(True)))
        if account is None:
            return None, None
        s.expunge(account)
        return account, account.password_hash


def issue_session(settings: Settings, db_url: str, principal: Principal) -> str:
    _, password_hash = _password_hash(db_url, principal.id)
    payload = f"{principal.id}.{int(time.time()) + SESSION_SECONDS}.{secrets.token_hex(8)}"
    return SESSION_PREFIX + payload + "." + _mac(session_key(settings), payload, password_hash)


def _principal_for_session(settings: Settings, db_url: str, value: str) -> Principal | None:
    try:
        account_id, expires, nonce, mac = value[len(SESSION_PREFIX):].split(".")
        account_id_int, expires_int = int(account_id), int(expires)
    except ValueError:
        return None
    if expires_int < time.time():
        return None
    account, password_hash = _password_hash(db_url, account_id_int)
    if account is None:
        return None
    expected = _mac(session_key(settings), f"{account_id}.{expires}.{nonce}", password_hash)
    if not hmac.compare_digest(expected, mac):
        return None
    return Principal(account.id, account.username, account.role, account.institution, account.char_limit)


def session_value(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def principal_from_cookie(request: Request, settings: Settings, db_url: str) -> Principal | None:
    """The signed-in account, or None (no cookie, expired, revoked, tampered)."""
    value = session_value(request)
    if not value or len(value) > 400:
        return None
    if value.startswith(SESSION_PREFIX):
        return _principal_for_session(settings, db_url, value)
    return principal_for_token(db_url, value)


def csrf_token(settings: Settings, request: Request) -> str:
    value = session_value(request) or ""
    return hmac.new(session_key(settings), b"csrf|" + value.encode(), hashlib.sha256).hexdigest()


def csrf_ok(settings: Settings, request: Request, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(csrf_token(settings, request), submitted or "")


def login_csrf_ok(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    return bool(cookie) and bool(submitted) and hmac.compare_digest(cookie, submitted or "")


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (Origin or Referer)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True
    if origin == "null":
        return False
    from urllib.parse import urlsplit

    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == f"{request.url.scheme}://{request.url.netloc}"


class LoginThrottle:
    """Failed log-ins per (client, username) in a sliding window: slows password guessing without
    locking out a colleague behind the same address (per process, like the API rate limiter)."""

    def __init__(self, limit: int = 10, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures[key]
        now = time.monotonic()
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key)) >= self.limit

    def failed(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(time.monotonic())
