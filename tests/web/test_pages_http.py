"""Web pages over real HTTP (running uvicorn): security headers, access control of every console route,
CSRF, log-in/log-out, CORS allow-list, escaping of untrusted input."""
from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pytest

from api.routes.web import router as web_router

pytestmark = [pytest.mark.integration]

STRICT_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
              "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
DOC = "/documents/view?path=article-1.md&ref=article-1.md"


def _client(live_server, **kwargs) -> httpx.Client:
    return httpx.Client(base_url=live_server.base, timeout=60, follow_redirects=False, **kwargs)


def _login_csrf(client: httpx.Client) -> str:
    page = client.get("/console/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _login(client: httpx.Client, username: str, password: str = "", token: str = "") -> httpx.Response:
    return client.post("/console/login", data={"username": username, "password": password, "token": token,
                                               "csrf_token": _login_csrf(client), "next": "/console/search"})


def _page_csrf(client: httpx.Client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def _console_routes() -> list[tuple[str, str]]:
    """Every console route of the web router (method, concrete path), except the log-in page."""
    out = []
    for route in web_router.routes:
        if not route.path.startswith("/console") or route.path == "/console/login":
            continue
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, route.path.replace("{reference}", "INQ-2026-000001")))
    return out


def test_every_console_route_refuses_anonymous(live_server):
    routes = _console_routes()
    assert len(routes) >= 9, routes
    with _client(live_server) as client:
        for method, path in routes:
            response = client.request(method, path, data={"message": "x", "reason": "x", "csrf_token": "x"})
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/console/login?next="), (method, path)
            assert "Demande" not in response.text and "<table" not in response.text
        # the JSON API behind the queue refuses anonymous callers too
        assert client.get("/v1/inquiries").status_code == 401
        assert client.get("/v1/inquiries/INQ-2026-000001?reveal=true").status_code == 401
        # a forged or tampered session is no session
        client.cookies.set("liaison_session", "lws1.1.9999999999.abcd.0123456789abcdef")
        assert client.get("/console/search").status_code == 303


def test_password_login_session_csrf_and_logout(live_server):
    agent = live_server.env.accounts["agent"]
    with _client(live_server) as client:
        assert _login(client, agent.username, "wrong").status_code == 401
        response = _login(client, agent.username, agent.password)
        assert response.status_code == 303 and response.headers["location"] == "/console/search"
        cookie = response.headers["set-cookie"]
        assert "liaison_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = client.get("/console/search")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        assert page.headers["content-security-policy"] == STRICT_CSP
        token = _page_csrf(client, "/console/search")
        # logout without the CSRF token, or from another site: refused, still signed in
        assert client.post("/console/logout", data={}).status_code == 403
        assert client.post("/console/logout", data={"csrf_token": token},
                           headers={"Origin": "https://evil.example"}).status_code == 403
        assert client.get("/console/search").status_code == 200
        out = client.post("/console/logout", data={"csrf_token": token})
        assert out.status_code == 303 and out.headers["location"] == "/console/login"
        assert client.get("/console/search").status_code == 303


def test_login_form_needs_its_csrf_cookie_and_is_throttled(live_server):
    agent = live_server.env.accounts["agent"]
    with _client(live_server) as client:
        forged = client.post("/console/login", data={"username": agent.username, "password": agent.password,
                                                     "csrf_token": "forged"})
        assert forged.status_code == 403 and "liaison_session" not in forged.headers.get("set-cookie", "")
        for _ in range(10):
            assert _login(client, "nobody-throttle", "guess").status_code == 401
        assert _login(client, "nobody-throttle", "guess").status_code == 429
        # the throttle is per user name: a colleague on the same address can still sign in
        assert _login(client, agent.username, agent.password).status_code == 303


def test_token_login_sets_the_api_token_cookie_shared_with_the_api(live_server):
    officer = live_server.env.accounts["officer"]
    with _client(live_server) as client:
        response = _login(client, officer.username, token=officer.token)
        assert response.status_code == 303
        assert client.cookies.get("liaison_session") == officer.token
        assert client.get("/v1/inquiries").status_code == 200  # api/deps.py reads the same cookie
        assert client.get("/console/inquiries").status_code == 200
        assert client.get("/console/login").status_code == 303  # already signed in
    with _client(live_server) as client:
        assert _login(client, "someone-else", token=officer.token).status_code == 401


def test_roles_outside_the_console_get_403(live_server):
    statistician = live_server.env.accounts["statistician"]
    agent = live_server.env.accounts["agent"]
    with _client(live_server) as client:
        assert _login(client, statistician.username, statistician.password).status_code == 303
        for path in ("/console/search?q=test", "/console/inquiries", "/console/documents?path=x&ref=y"):
            assert client.get(path).status_code == 403, path
    with _client(live_server) as client:
        _login(client, agent.username, agent.password)
        token = _page_csrf(client, "/console/search")
        # agents read the queue but may not reveal personal data, answer or close (same rule as the API)
        for action in ("reveal", "answer", "close"):
            response = client.post(f"/console/inquiries/INQ-2026-000001/{action}",
                                   data={"csrf_token": token, "message": "x", "reason": "x"})
            assert response.status_code == 403, action


def test_public_pages_security_headers_and_no_inline_code(live_server):
    with _client(live_server) as client:
        for path in ("/demo", "/demo?lang=en", DOC, "/console/login"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-security-policy"] == STRICT_CSP
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            html = response.text
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script in {path}"
            assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler in {path}"
            assert not re.search(r"\sstyle\s*=", html), f"inline style in {path}"
        demo = client.get("/demo").text
        tags = re.findall(r"<script[^>]*>", demo)
        assert len(tags) == 1 and 'src="/widget.js"' in tags[0]
        assert all(attr in tags[0] for attr in ("data-api-base=", "data-lang=", "data-title=", "defer"))
        widget = client.get("/widget.js")
        assert widget.headers["content-type"].startswith("text/javascript")
        assert widget.headers["cross-origin-resource-policy"] == "cross-origin"
        assert "eval(" not in widget.text and "new Function" not in widget.text and ".innerHTML" not in widget.text
        assert client.get("/widget.css").headers["content-type"].startswith("text/css")
        assert client.get("/static/web/..%2Fpages.py").status_code == 404


def test_cors_allow_list(live_server):
    allowed = f"http://localhost:{live_server.host_port}"
    with _client(live_server) as client:
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        ok = client.options("/v1/ask", headers={"Origin": allowed, **preflight})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == allowed
        denied = client.options("/v1/ask", headers={"Origin": "https://evil.example", **preflight})
        assert "access-control-allow-origin" not in denied.headers


def test_viewer_highlights_escapes_and_reports_missing(live_server):
    with _client(live_server) as client:
        quote_text = "le Centre des liaisons européennes et internationales de sécurité sociale (CLEISS) fournit"
        page = client.get(DOC + "&lang=fr&highlight=" + quote(quote_text))
        assert page.status_code == 200
        mark = re.search(r'<mark id="passage-\d+" class="passage">(.*?)</mark>', page.text, re.S)
        assert mark and "CLEISS" in mark.group(1)
        assert "Le passage cité est surligné" in page.text
        hostile = "<img src=x onerror=alert(1)>"
        page = client.get(DOC + "&highlight=" + quote(hostile))
        assert hostile not in page.text and "&lt;img src=x onerror=alert(1)&gt;" not in page.text
        assert client.get("/documents/view?path=" + quote("<script>alert(1)</script>") + "&ref=x").status_code == 404
        missing = client.get("/documents/view?path=nothing.md&ref=nothing.md&lang=en")
        assert missing.status_code == 404 and "Document not found" in missing.text
        assert client.get("/documents/view").status_code == 400
        assert client.get(DOC + "&as_of=yesterday").status_code == 400


def test_a_second_login_page_keeps_the_first_form_valid(live_server):
    """A log-in form stays valid when another log-in page is opened meanwhile (second tab, or the page
    a log-out redirects to while the browser already loads another one)."""
    agent = live_server.env.accounts["agent"]
    with _client(live_server) as client:
        first = _login_csrf(client)
        second = _login_csrf(client)
        assert first == second
        response = client.post("/console/login", data={"username": agent.username, "password": agent.password,
                                                        "csrf_token": first, "next": "/console/search"})
        assert response.status_code == 303 and response.headers["location"] == "/console/search"
    with _client(live_server) as other:  # another browser gets its own token
        assert _login_csrf(other) != first


def test_case_queue_is_a_console_page_for_officers_and_refused_in_the_users_language(live_server):
    accounts = live_server.env.accounts
    with _client(live_server) as agent:
        assert _login(agent, accounts["agent"].username, accounts["agent"].password).status_code == 303
        search = agent.get("/console/search?lang=fr").text
        assert 'href="/console/cases"' not in search, "the menu hides what the role cannot open"
        refused = agent.get("/console/cases?lang=fr")
        assert refused.status_code == 403
        assert "Accès refusé" in refused.text and "console-header" in refused.text and "/console/logout" in refused.text
        assert "has no access" not in refused.text
        assert "Access denied" in agent.get("/console/cases?lang=en").text
    with _client(live_server) as officer:
        assert _login(officer, accounts["officer"].username, accounts["officer"].password).status_code == 303
        queue = officer.get("/console/cases?lang=fr")
        assert queue.status_code == 200
        # inside the console frame: its menu (cases current), the log-out form with a valid token
        assert 'href="/console/cases" aria-current="page"' in queue.text and 'href="/console/search"' in queue.text
        token = re.search(r'action="/console/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                          queue.text).group(1)
        out = officer.post("/console/logout", data={"csrf_token": token}, headers={"origin": live_server.base})
        assert out.status_code == 303 and out.headers["location"] == "/console/login"
        # the checkbox sits in a flex row right before its label
        assert re.search(r'<div class="field check"><input id="q-overdue"[^>]*><label for="q-overdue">', queue.text)
