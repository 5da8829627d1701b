"""API, console and public pages over real HTTP (a running uvicorn): look-ups, the flow page, links from
shown texts to code pages, an unknown code, and the exchange counts (import with line-level errors,
console volumes)."""
from __future__ import annotations

import contextlib
import re
from types import SimpleNamespace

import httpx
import pytest

from tests.web.server import run_server

pytestmark = [pytest.mark.integration]
PASSWORD = "correct horse battery staple"
FACT = """---
title: EESSI in two lines
---

# EESSI in two lines

An exception under article 16 is asked with SED A001 in LA_BUC_01. The S1 replaced the E106.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, catalogue_file):
    from eessi.demo import import_demo_counts
    from ingest.kb import KnowledgeBase
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings

    data_dir = tmp_path_factory.mktemp("eessi") / "data"
    settings = Settings(data_dir=data_dir, eessi_catalogue_path=catalogue_file).ensure_dirs()
    migrate(settings.resolved_database_url)
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "eessi-two-lines.md").write_text(FACT, encoding="utf-8")
    kb = KnowledgeBase(settings)
    try:
        kb.ingest([corpus])
    finally:
        kb.close()
    import_demo_counts(settings, settings.resolved_database_url, 2025)
    accounts = {}
    for role in ("agent", "statistician"):
        principal, token = create_account(settings.resolved_database_url, f"{role}-eessi", role, password=PASSWORD)
        accounts[role] = SimpleNamespace(username=principal.username, token=token)
    log = tmp_path_factory.mktemp("log") / "uvicorn.log"
    with run_server(data_dir, log, LIAISON_EESSI_CATALOGUE_PATH=str(catalogue_file),
                    LIAISON_RATE_LIMIT_PER_MINUTE="1000", LIAISON_WARM_UP="false") as base:
        yield SimpleNamespace(base=base, accounts=accounts)


def _client(server, **kw) -> httpx.Client:
    return httpx.Client(base_url=server.base, timeout=60, follow_redirects=False, **kw)


@contextlib.contextmanager
def _signed_in(server, role="agent"):
    with _client(server) as client:
        page = client.get("/console/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = client.post("/console/login", data={"username": server.accounts[role].username,
                                                       "password": PASSWORD, "csrf_token": csrf,
                                                       "next": "/console/eessi"})
        assert response.status_code == 303, response.text[:500]
        yield client


def test_api_lookups(server):
    with _client(server) as c:
        buc = c.get("/v1/eessi/bucs/la_buc_01").json()
        assert buc["id"] == "LA_BUC_01"
        assert {(r["code"], r["answers"]) for r in buc["flow"]["replies"]} >= {("A002", "A001"), ("A011", "A001")}
        sed = c.get("/v1/eessi/seds/A001").json()
        assert sed["name"] == "Request for Exception" and sed["sources"][0]["url"].startswith("https://")
        form = c.get("/v1/eessi/forms/E%20112").json()
        assert [r["code"] for r in form["replaced_by"]] == ["S2"]
        assert c.get("/v1/eessi/forms/E106").json()["replaced_by"][0]["code"] == "S1"
        assert c.get("/v1/eessi/catalogue").json()["counts"]["seds"] == 263


@pytest.mark.parametrize("path", ["/v1/eessi/seds/Z999", "/v1/eessi/bucs/LA_BUC_99", "/v1/eessi/forms/E999"])
def test_api_unknown_code_is_404(server, path):
    with _client(server) as c:
        response = c.get(path)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"} and "is not in the catalogue" in response.json()["detail"]


def test_console_pages_and_flow(server):
    with _signed_in(server) as c:
        page = c.get("/console/eessi/bucs/LA_BUC_01?lang=en")
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        assert 'href="/console/eessi/seds/A002"' in page.text and 'href="/console/eessi/seds/A011"' in page.text
        assert "MEL-B" in page.text and "answers" in page.text
        sed = c.get("/console/eessi/seds/A001?lang=en")
        assert sed.status_code == 200 and "Request for Exception" in sed.text
        assert 'href="/console/eessi/bucs/LA_BUC_01"' in sed.text
        gap = c.get("/console/eessi/seds/DA001?lang=en")
        assert "No English name seen in a source" in gap.text
        missing = c.get("/console/eessi/seds/Z999?lang=en")
        assert missing.status_code == 404 and "not in the catalogue" in missing.text
        lookup = c.get("/console/eessi/lookup", params={"code": "e 112"})
        assert lookup.status_code == 303 and lookup.headers["location"] == "/console/eessi/forms/E112"
        assert c.get("/console/eessi/lookup", params={"code": "Q123"}).status_code == 404
        index = c.get("/console/eessi?lang=en")
        assert index.status_code == 200 and 'href="/console/eessi/bucs/AW_BUC_04c"' in index.text


def test_console_refuses_anonymous(server):
    with _client(server) as c:
        for path in ("/console/eessi", "/console/eessi/bucs/LA_BUC_01", "/console/eessi/exchanges"):
            response = c.get(path)
            assert response.status_code == 303 and response.headers["location"].startswith("/console/login")
        assert c.get("/v1/eessi/volumes").status_code == 401


def test_codes_in_shown_texts_link_to_their_pages(server):
    with _signed_in(server) as c:
        page = c.get("/console/documents", params={"path": "eessi-two-lines.md", "ref": "eessi-two-lines.md"})
        assert page.status_code == 200, page.text[:300]
        assert '<a class="eessi-code" href="/console/eessi/seds/A001">A001</a>' in page.text
        assert '<a class="eessi-code" href="/console/eessi/forms/E106">E106</a>' in page.text
        results = c.get("/console/search", params={"q": "A001 LA_BUC_01"})
        assert 'href="/console/eessi/bucs/LA_BUC_01"' in results.text
    with _client(server) as c:
        public = c.get("/documents/view", params={"path": "eessi-two-lines.md", "ref": "eessi-two-lines.md"})
        assert '<a class="eessi-code" href="/eessi/forms/S1">S1</a>' in public.text
        target = c.get("/eessi/forms/S1?lang=en")
        assert target.status_code == 200 and "E106" in target.text
        assert c.get("/eessi/seds/Z999").status_code == 404


def test_counts_import_and_volumes(server):
    token = server.accounts["statistician"].token
    bad = ("month,buc,sed,partner,direction,count\n2026-01,LA_BUC_01,A001,DE,sent,12\n"
           "2026-13,LA_BUC_01,A003,FR,up,-1\n").encode()
    good = "month;buc;sed;partner;direction;count;answered;response_days;open\n2026-01;LA_BUC_04;A009;DE;sent;7;0;;0\n"
    with _client(server, headers={"Authorization": f"Bearer {token}"}) as c:
        refused = c.post("/v1/eessi/counts", data={"institution": "Test"}, files={"file": ("c.csv", bad, "text/csv")})
        assert refused.status_code == 422
        issues = refused.json()["detail"]["issues"]
        assert {(i["line"], i["column"]) for i in issues} >= {(3, "month"), (3, "sed"), (3, "partner"),
                                                              (3, "direction"), (3, "count")}
        assert any("A003 is not part of LA_BUC_01" in i["message"] for i in issues)
        done = c.post("/v1/eessi/counts", data={"institution": "Test"}, files={"file": ("g.csv", good.encode(), "text/csv")})
        assert done.status_code == 201 and done.json()["lines"] == 1
        volumes = c.get("/v1/eessi/volumes", params={"year": 2026, "by": "partner"}).json()
        assert volumes["rows"] == [{"key": "DE", "label": "Germany (DE)", "sent": 7, "received": 0, "answered": 0,
                                    "open": 0, "mean_response_days": None}]
    with _signed_in(server) as c:
        page = c.get("/console/eessi/exchanges?year=2025&lang=en")
        assert page.status_code == 200 and "SYNTHETIC" in page.text
        assert 'href="/console/eessi/bucs/LA_BUC_04"' in page.text
