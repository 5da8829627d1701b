"""The statistics API over real HTTP (uvicorn on a local port): uploads by institution accounts and refusals,
validation results, history, early refusal of a 200 MB upload, report download, open data, templates."""
from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time

import httpx
import pytest

from tests.reports.helpers import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    import uvicorn

    import api.app as app_module
    from liaison.accounts import create_account
    from liaison.db import migrate
    from liaison.settings import Settings
    from reports.demo import run_demo

    settings = Settings(data_dir=tmp_path_factory.mktemp("api") / "data", rate_limit_per_minute=0).ensure_dirs()
    url = settings.resolved_database_url
    migrate(url)
    run_demo(settings, url, [2024, 2025])
    tokens = {name: create_account(url, name, role, institution=inst)[1] for name, role, inst in (
        ("alpha", "institution", "CPAM Alpha"), ("beta", "institution", "CAF Beta"), ("stat", "statistician", None),
        ("agent", "agent", None), ("orphan", "institution", None))}
    # Only this capability's router (and health): other capabilities' routers are tested by their own suites.
    mp = pytest.MonkeyPatch()
    mp.setattr(app_module, "ROUTER_MODULES", ("api.routes.health", "api.routes.reports"))
    app = app_module.create_app(settings)
    mp.undo()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=120) as client:
        yield client, tokens, settings, port
    server.should_exit = True
    thread.join(10)


def _auth(tokens, name):
    return {"Authorization": f"Bearer {tokens[name]}"}


def _upload(client, content, filename="r.csv", headers=None, **form):
    data = {"year": "2025", "branch": "health"} | form
    return client.post("/v1/stats/returns", files={"file": (filename, content, "application/octet-stream")},
                       data=data, headers=headers or {})


def test_upload_needs_an_institution_account(api):
    client, tokens, _, _ = api
    content = csv_bytes([row("DE", 1)])
    assert _upload(client, content).status_code == 401
    assert _upload(client, content, headers={"Authorization": "Bearer nope"}).status_code == 401
    for name in ("agent", "stat"):
        response = _upload(client, content, headers=_auth(tokens, name))
        assert response.status_code == 403, name
    response = _upload(client, content, headers=_auth(tokens, "orphan"))
    assert response.status_code == 403 and "no institution" in response.json()["detail"]["message"]
    response = _upload(client, content, headers=_auth(tokens, "alpha"), institution="CAF Beta")
    assert response.status_code == 403


def test_institution_uploads_sees_errors_then_replaces_its_return(api):
    client, tokens, _, _ = api
    alpha = _auth(tokens, "alpha")
    broken = csv_bytes([row("DE", 10), row("DE", 12), row("BE", 5, "healthcare_claims_amount", "kEUR")])
    response = _upload(client, broken, "alpha-v1.csv", alpha)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "rejected" and body["institution"] == "CPAM Alpha" and body["line_count"] == 0
    assert [e["text"] for e in body["errors"]] == [
        "line 3: duplicate of line 2 (same instrument, partner, direction, indicator and breakdown)",
        "line 4, column unit: amount in thousands of euros ('kEUR'): indicator 'healthcare_claims_amount' is "
        "reported in euros (EUR)"]
    assert body["errors"][1] | {"text": None} == {"code": "wrong_unit", "line": 4, "sheet": None, "column": "unit",
                                                  "message": body["errors"][1]["message"], "text": None}
    assert client.get(f"/v1/stats/returns/{body['id']}", headers=alpha).json()["errors"] == body["errors"]

    good = xlsx_bytes([row("DE", 10), row("BE", 5000, "healthcare_claims_amount", "EUR")])
    response = _upload(client, good, "alpha-v2.xlsx", alpha)
    assert response.status_code == 201, response.text
    accepted = response.json()
    assert (accepted["status"], accepted["line_count"], accepted["file_format"]) == ("current", 2, "xlsx")
    again = _upload(client, good, "alpha-v2-again.xlsx", alpha)
    assert again.status_code == 200 and again.json()["unchanged"] and again.json()["id"] == accepted["id"]

    corrected = xlsx_bytes([row("DE", 11), row("BE", 5000, "healthcare_claims_amount", "EUR")])
    v3 = _upload(client, corrected, "alpha-v3.xlsx", alpha).json()
    assert v3["replaces_id"] == accepted["id"]
    history = client.get("/v1/stats/returns", params={"year": 2025, "branch": "health"}, headers=alpha).json()
    assert [(h["filename"], h["status"]) for h in history] == [
        ("alpha-v3.xlsx", "current"), ("alpha-v2.xlsx", "superseded"), ("alpha-v1.csv", "rejected")]
    lines = client.get(f"/v1/stats/returns/{accepted['id']}/lines", headers=alpha).json()
    assert [(ln["partner"], ln["value"], ln["source_line"]) for ln in lines] == [("DE", "10.00", 2), ("BE", "5000.00", 3)]

    # Another institution sees none of it; the statistician sees everything.
    beta = _auth(tokens, "beta")
    assert client.get(f"/v1/stats/returns/{accepted['id']}", headers=beta).status_code == 404
    assert client.get("/v1/stats/returns", headers=beta).json() == []
    every = client.get("/v1/stats/returns", params={"limit": 2000}, headers=_auth(tokens, "stat")).json()
    assert {"CPAM Alpha", "SYNTHETIC Health institution (demo data)"} <= {h["institution"] for h in every}
    assert client.get("/v1/stats/returns", headers=_auth(tokens, "agent")).status_code == 403


def test_a_200_mb_upload_is_refused_from_its_headers(api):
    _, tokens, _, port = api
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall((
            "POST /v1/stats/returns HTTP/1.1\r\nHost: localhost\r\n"
            f"Authorization: Bearer {tokens['alpha']}\r\n"
            "Content-Type: multipart/form-data; boundary=xyz\r\n"
            f"Content-Length: {200 * 1024 * 1024}\r\n\r\n--xyz\r\n").encode())
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    assert time.monotonic() - started < 10  # answered without waiting for 200 MB
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["detail"]["message"] == ("the file is 209.7 MB; the limit is 50 MB: split the return or "
                                                     "remove unused sheets")


def test_report_download_for_statisticians(api):
    client, tokens, _, _ = api
    assert client.get("/v1/reports/2025.pdf").status_code == 401
    assert client.get("/v1/reports/2025.pdf", headers=_auth(tokens, "alpha")).status_code == 403
    stat = _auth(tokens, "stat")
    response = client.get("/v1/reports/2025.html", headers=stat)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Rapport annuel 2025" in response.text and "CPAM Alpha" in response.text
    assert response.headers["content-language"] == "fr"
    english = client.get("/v1/reports/2025.html", params={"lang": "en"}, headers=stat)
    assert english.status_code == 200 and "Annual report 2025" in english.text
    assert 'href="/v1/reports/2025.pdf?lang=en"' in english.text and 'href="/v1/stats/open-data/2025.csv"' in english.text
    assert client.get("/v1/reports/2025.html", params={"lang": "de"}, headers=stat).status_code == 422
    pdf = client.get("/v1/reports/2025.pdf", headers=stat)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    etag = pdf.headers["etag"]
    assert client.get("/v1/reports/2025.pdf", headers=stat | {"If-None-Match": etag}).status_code == 304
    assert client.get("/v1/reports/1999.pdf", headers=stat).status_code == 404


def test_open_data_has_aggregates_and_no_personal_data(api):
    client, _, settings, _ = api
    response = client.get("/v1/stats/open-data/2025.json")
    assert response.status_code == 200
    data = response.json()
    assert data["synthetic"] is True and data["suppression_threshold"] == settings.reports_open_data_min_count
    assert data["columns"] == ["year", "branch", "instrument", "instrument_kind", "partner", "partner_name",
                               "direction", "indicator", "unit", "value", "suppressed", "synthetic"]
    assert all(set(r) == set(data["columns"]) for r in data["rows"])
    assert "CPAM Alpha" not in response.text and "SYNTHETIC Health institution" not in response.text
    # Each aggregate is the sum over institutions (demo + CPAM Alpha for DE persons registered).
    germany = [r for r in data["rows"] if r["partner"] == "DE" and r["indicator"] == "persons_registered_healthcare"
               and r["direction"] == "FR_COMPETENT"]
    assert len(germany) == 1 and germany[0]["value"] > 11
    small = [r for r in data["rows"] if r["suppressed"]]
    assert all(r["value"] is None for r in small)
    assert any(r["suppressed"] for r in data["rows"]), "the demo has small cells (e.g. San Marino) to suppress"
    text = client.get("/v1/stats/open-data/2025.csv").text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == data["columns"] and len(rows) == len(data["rows"]) + 1


def test_templates_are_downloadable(api):
    import openpyxl

    client, _, _, _ = api
    xlsx = client.get("/v1/stats/templates/old_age.xlsx", params={"year": 2025})
    assert xlsx.status_code == 200 and "liaison-return-old_age-2025.xlsx" in xlsx.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["Return 2025", "Codes", "Instructions"]
    assert [c.value for c in wb["Return 2025"][1]][:8] == ["year", "branch", "instrument", "partner", "direction",
                                                           "indicator", "value", "unit"]
    assert client.get("/v1/stats/templates/health.csv").text.startswith("year,branch,instrument,partner")
    assert client.get("/v1/stats/templates/pets.csv").status_code == 422


def test_demo_report_page(api):
    client, _, settings, _ = api
    from reports.demo import demo_report_path
    from reports.render import build_report

    missing = client.get("/reports/demo")
    assert missing.status_code == 404 and "liaison demo" in missing.json()["detail"]
    from reports.demo import demo_links

    for lang in ("fr", "en"):
        build_report(settings, settings.resolved_database_url, 2025, "html", out=demo_report_path(settings, "html", lang),
                     lang=lang, links=demo_links(2025, lang))
    page = client.get("/reports/demo")
    assert page.status_code == 200 and "DONNÉES DE DÉMONSTRATION SYNTHÉTIQUES" in page.text
    assert 'href="/reports/demo.pdf?lang=fr"' in page.text and 'href="/v1/stats/open-data/2025.csv"' in page.text
    page = client.get("/reports/demo", params={"lang": "en"})
    assert page.status_code == 200 and "SYNTHETIC DEMONSTRATION DATA" in page.text


def test_openapi_documents_the_statistics_routes(api):
    client, _, _, _ = api
    spec = client.get("/openapi.json").json()
    upload = spec["paths"]["/v1/stats/returns"]["post"]
    assert set(upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]) == {
        "file", "year", "branch", "institution"}
    assert {"/v1/reports/{year}.{fmt}", "/v1/stats/open-data/{year}.{fmt}", "/v1/stats/templates/{branch}.{fmt}",
            "/v1/stats/returns/{submission_id}"} <= set(spec["paths"])
