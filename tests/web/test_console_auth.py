"""Console sessions: signed, bound to the account's password, expiring; CSRF tokens bound to the session."""
import time

import pytest
from starlette.requests import Request

from api.web import auth
from liaison.accounts import Account, create_account
from liaison.db import migrate, session_scope

pytestmark = pytest.mark.unit


def _request(cookie: str | None = None, origin: str | None = None) -> Request:
    headers = []
    if cookie:
        headers.append((b"cookie", f"{auth.SESSION_COOKIE}={cookie}".encode()))
    if origin:
        headers.append((b"origin", origin.encode()))
    return Request({"type": "http", "method": "POST", "path": "/console/logout", "headers": headers,
                    "scheme": "http", "server": ("127.0.0.1", 8000), "query_string": b""})


@pytest.fixture
def account(settings):
    db_url = settings.resolved_database_url
    migrate(db_url)
    principal, token = create_account(db_url, "ana", "officer", password="first password")
    return settings, db_url, principal, token


def test_signed_session_round_trip_and_tampering(account):
    settings, db_url, principal, token = account
    value = auth.issue_session(settings, db_url, principal)
    assert auth.principal_from_cookie(_request(value), settings, db_url).username == "ana"
    assert auth.principal_from_cookie(_request(token), settings, db_url).username == "ana"  # API token too
    other = value[:-1] + ("0" if value[-1] != "0" else "1")
    assert auth.principal_from_cookie(_request(other), settings, db_url) is None
    forged_id = value.replace(f"lws1.{principal.id}.", "lws1.999.", 1)
    assert auth.principal_from_cookie(_request(forged_id), settings, db_url) is None
    assert auth.principal_from_cookie(_request("lws1.garbage"), settings, db_url) is None


def test_session_ends_with_password_change_deactivation_or_expiry(account, monkeypatch):
    settings, db_url, principal, _ = account
    value = auth.issue_session(settings, db_url, principal)
    with session_scope(db_url) as s:
        s.get(Account, principal.id).password_hash = "scrypt$00$11"
    assert auth.principal_from_cookie(_request(value), settings, db_url) is None
    value = auth.issue_session(settings, db_url, principal)
    monkeypatch.setattr(auth.time, "time", lambda: time.time_ns() / 1e9 + auth.SESSION_SECONDS + 5)
    assert auth.principal_from_cookie(_request(value), settings, db_url) is None
    monkeypatch.undo()
    with session_scope(db_url) as s:
        s.get(Account, principal.id).active = False
    assert auth.principal_from_cookie(_request(value), settings, db_url) is None


def test_csrf_token_is_bound_to_the_session_and_origin_is_checked(account):
    settings, db_url, principal, _ = account
    first = auth.issue_session(settings, db_url, principal)
    second = auth.issue_session(settings, db_url, principal)
    token = auth.csrf_token(settings, _request(first))
    assert auth.csrf_ok(settings, _request(first), token)
    assert not auth.csrf_ok(settings, _request(second), token)
    assert not auth.csrf_ok(settings, _request(first), "") and not auth.csrf_ok(settings, _request(first), None)
    assert auth.same_origin(_request(first)) and auth.same_origin(_request(first, "http://127.0.0.1:8000"))
    assert not auth.same_origin(_request(first, "https://evil.example"))
    assert not auth.same_origin(_request(first, "null"))


def test_session_key_is_stable_and_private(settings):
    key = auth.session_key(settings)
    assert key == auth.session_key(settings) and len(key) == 32
    assert (settings.data_dir / "web-session.key").stat().st_mode & 0o077 == 0


def test_login_throttle_counts_failures_per_key():
    throttle = auth.LoginThrottle(limit=2, window=60)
    throttle.failed("ip|ana")
    assert not throttle.blocked("ip|ana")
    throttle.failed("ip|ana")
    assert throttle.blocked("ip|ana") and not throttle.blocked("ip|bob")
