"""Issue 16, item 7: /console/cases uses the console's CSRF mechanism — a token bound to the signed-in
session plus the Origin check — not a double-submit cookie that any session could pair with any token."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.unit


@pytest.fixture
def console(settings):
    from api.app import create_app
    from api.web import auth
    from liaison.accounts import create_account
    from liaison.db import migrate

    db_url = settings.resolved_database_url
    migrate(db_url)
    officer, _ = create_account(db_url, "olga", "officer", password="a long password")
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    client.cookies.set(auth.SESSION_COOKIE, auth.issue_session(settings, db_url, officer))
    return client, settings


def _post(client, token, **headers):
    return client.post("/console/cases/CT-0000-0000", data={"csrf": token, "op": "comment", "message": "x"},
                       headers=headers)


def test_console_case_form_carries_the_session_bound_token(console):
    from api.web import auth

    from tests.intake.conftest import continuation
    from tests.intake.test_hostile import submission

    client, settings = console
    created = client.post("/v1/cases", json=submission(continuation()))
    assert created.status_code == 201, created.text[:300]
    page = client.get(f"/console/cases/{created.json()['reference']}")
    assert page.status_code == 200, page.text[:300]
    tokens = set(re.findall(r'name="csrf" value="([^"]+)"', page.text))
    assert tokens
    request = type("R", (), {"cookies": {auth.SESSION_COOKIE: client.cookies.get(auth.SESSION_COOKIE)}})()
    expected = auth.csrf_token(settings, request)
    assert tokens <= {expected}


def test_double_submit_cookie_no_longer_passes_with_a_session(console):
    client, _ = console
    client.cookies.set("liaison_csrf", "A" * 43)
    assert _post(client, "A" * 43).status_code == 403


def test_session_token_passes_and_another_origin_is_refused(console):
    from api.web import auth

    client, settings = console
    request = type("R", (), {"cookies": {auth.SESSION_COOKIE: client.cookies.get(auth.SESSION_COOKIE)}})()
    token = auth.csrf_token(settings, request)
    assert _post(client, token).status_code != 403  # past the CSRF check (the case does not exist)
    assert _post(client, token, origin="http://evil.example").status_code == 403
    assert _post(client, token, referer="http://evil.example/page").status_code == 403
