"""Request dependencies as `Annotated` aliases, one place for all routers.

Authentication: `Authorization: Bearer <token>` (API tokens from `liaison users add`) or the console
session cookie. Authorisation: `require_role(...)` returns a dependency that refuses other roles with
403 (401 when anonymous).
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from liaison.accounts import ANONYMOUS, Principal, principal_for_token
from liaison.settings import Settings

SESSION_COOKIE = "liaison_session"


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


_migrate_lock = threading.Lock()


def get_db_url(request: Request) -> str:
    """Database URL with the schema migrated once per app instance. Locked: the first requests of a
    fresh worker arrive together, and concurrent Alembic runs in one process break each other."""
    state = request.app.state
    url = getattr(state, "db_url", None)
    if url is None:
        with _migrate_lock:
            url = getattr(state, "db_url", None)
            if url is None:
                from liaison.db import migrate

                url = state.settings.resolved_database_url
                migrate(url)
                state.db_url = url
    return url


DbUrlDep = Annotated[str, Depends(get_db_url)]


def get_principal(request: Request, db_url: DbUrlDep) -> Principal:
    """The caller: an account when a valid bearer token or console session is sent, else the
    anonymous public. Credentials that are sent but invalid are an error (not silently anonymous)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        principal = principal_for_token(db_url, header[7:].strip())
    elif request.cookies.get(SESSION_COOKIE):
        # Console session: a signed session (password log-in) or an API token (token log-in).
        from api.web.auth import principal_from_cookie

        principal = principal_from_cookie(request, request.app.state.settings, db_url)
    else:
        return ANONYMOUS
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid, expired or revoked credentials",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_role(*roles: str):
    """Dependency allowing only the given roles (admin is always allowed)."""
    allowed = set(roles) | {"admin"}

    def check(principal: PrincipalDep) -> Principal:
        if principal.is_anonymous:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "authentication required",
                                headers={"WWW-Authenticate": "Bearer"})
        if principal.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role!r} may not do this")
        return principal

    return check


class RateLimiter:
    """Sliding one-minute window per client key, in process memory (per worker)."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str, per_minute: int) -> bool:
        if per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and now - hits[0] > 60:
                hits.popleft()
            if len(hits) >= per_minute:
                return False
            hits.append(now)
            return True


def rate_limit_anonymous(request: Request, principal: PrincipalDep) -> Principal:
    """Anonymous callers get `rate_limit_per_minute` requests per minute per IP; accounts are not limited."""
    if principal.is_anonymous:
        limiter = getattr(request.app.state, "rate_limiter", None)
        if limiter is None:
            limiter = request.app.state.rate_limiter = RateLimiter()
        client = request.client.host if request.client else "unknown"
        if not limiter.allow(client, request.app.state.settings.rate_limit_per_minute):
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many requests; try again in a minute",
                                headers={"Retry-After": "60"})
    return principal


RateLimitedPrincipal = Annotated[Principal, Depends(rate_limit_anonymous)]
