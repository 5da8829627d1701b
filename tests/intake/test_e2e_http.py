"""End to end over real HTTP (uvicorn on a local port): a 30-month continuation request in an EU
state goes from validation to a signed-off decision letter, and the audit log holds every step."""
from __future__ import annotations

import io
import socket
import threading
import time

import httpx
import pytest

from tests.intake.conftest import PDF, b64, continuation

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def server(intake_settings):
    import uvicorn

    from api.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(intake_settings), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_thirty_month_eu_request_to_signed_letter(server, accounts, intake_settings):
    def client(name=None, lang="en"):
        headers = {"Accept-Language": lang}
        if name:
            headers["Authorization"] = f"Bearer {accounts[name][1]}"
        return httpx.Client(base_url=server, headers=headers, timeout=60)

    applicant, officer, supervisor = client("applicant", "fr"), client("officer"), client("supervisor")
    form = continuation(start_date="2026-01-01", end_date="2028-06-30")  # 30 months in Germany
    form.pop("reasons")

    # 1. Validation: beyond the 24-month maximum, reasons are required (French and English messages).
    r = applicant.post("/v1/cases/validate", json={"case_type": "continuation", "form": form,
                                                   "attachment_kinds": ["posting_letter"]})
    body = r.json()
    assert r.status_code == 200 and body["valid"] is False and body["route"] == "exception"
    assert body["applicable"]["max_months"] == 24 and body["applicable"]["requested_months"] == 30.0
    [err] = body["errors"]
    assert err["field"] == "reasons" and err["type"] == "reasons_required"
    assert "motifs" in err["msg"] and "24" in err["messages"]["en"] and "reasons" in err["messages"]["en"]

    # 2. Submitting without reasons is refused and creates nothing.
    r = applicant.post("/v1/cases", json={
        "case_type": "continuation", "form": form, "submit": True,
        "attachments": [{"kind": "posting_letter", "filename": "lettre.pdf", "content_base64": b64(PDF)}]})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "reasons_required"

    # 3. With reasons: submitted as an exception; a replay with the same key returns the same case.
    form["reasons"] = ("Le chantier de Munich a pris dix-huit mois de retard ; Mme Martin dirige le projet "
                       "et ne peut être remplacée avant son achèvement.")
    payload = {"case_type": "continuation", "form": form, "submit": True,
               "attachments": [{"kind": "posting_letter", "filename": "lettre.pdf", "content_base64": b64(PDF)}]}
    r = applicant.post("/v1/cases", json=payload, headers={"Idempotency-Key": "e2e-3f9a2c71"})
    assert r.status_code == 201, r.text
    case = r.json()
    ref = case["reference"]
    assert case["status"] == "submitted" and case["route"] == "exception" and case["access_key"]
    replay = applicant.post("/v1/cases", json=payload, headers={"Idempotency-Key": "e2e-3f9a2c71"})
    assert replay.status_code == 200 and replay.json()["reference"] == ref and replay.json()["replayed"]

    # 4. The officer finds it in the queue (masked), takes it, and requests information.
    queue = officer.get("/v1/cases", params={"status": "submitted", "case_type": "continuation"}).json()
    assert [c["reference"] for c in queue["items"]] == [ref]
    assert queue["items"][0]["applicant_label"] == "C. M***" and "form" not in queue["items"][0]
    v = officer.post(f"/v1/cases/{ref}/actions/start_review", json={"version": case["version"]}).json()
    v = officer.post(f"/v1/cases/{ref}/actions/request_information", json={
        "version": v["version"], "reason_code": "incomplete",
        "message": "Please send the contract with the client in Munich."}).json()
    assert v["status"] == "information_requested" and v["clock_paused"]

    # 5. The applicant answers, with a document.
    r = applicant.post(f"/v1/cases/{ref}/attachments", data={"kind": "supporting_document"},
                       files={"file": ("contrat.pdf", io.BytesIO(PDF), "application/octet-stream")})
    assert r.status_code == 201 and r.json()["content_type"] == "application/pdf"
    current = applicant.get(f"/v1/cases/{ref}").json()
    r = applicant.post(f"/v1/cases/{ref}/actions/provide_information", json={
        "version": current["version"], "message": "Contrat joint."})
    assert r.status_code == 200 and r.json()["status"] == "in_review"

    # 6. The officer proposes acceptance; the officer cannot approve; the supervisor approves.
    v = officer.get(f"/v1/cases/{ref}").json()
    v = officer.post(f"/v1/cases/{ref}/actions/propose_decision", json={
        "version": v["version"], "decision": "accept", "message": "Retard du chantier documenté.",
        "conditions": "L'employeur s'acquitte de l'intégralité des cotisations dues en France."}).json()
    assert v["status"] == "decision_proposed"
    assert officer.post(f"/v1/cases/{ref}/actions/approve", json={"version": v["version"]}).status_code == 403
    v = supervisor.post(f"/v1/cases/{ref}/actions/approve", json={"version": v["version"]}).json()
    assert v["status"] == "accepted" and v["decided_by"] == "supervisor"

    # 7. The PDF letter cites the legal basis.
    from pypdf import PdfReader

    for lang, words in (("fr", ("acceptée", "Base légale")), ("en", ("accepted", "Legal basis"))):
        r = applicant.get(f"/v1/cases/{ref}/letter", params={"lang": lang, "format": "pdf"})
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
        assert "883/2004" in text and "art. 12" in text and "art. 16" in text
        for w in words:
            assert w in text
        assert ref in text and ("01/01/2026" if lang == "fr" else "2026-01-01") in text

    # 8. The audit log holds each step, with who and from where.
    entries = supervisor.get(f"/v1/cases/{ref}/audit").json()
    actions = [e["action"] for e in entries]
    for step in ("case.create", "case.submit", "case.replay", "case.start_review", "case.request_information",
                 "case.attachment_add", "case.provide_information", "case.propose_decision", "case.approve"):
        assert step in actions, step
    assert any(e["action"] == "case.read_personal" and e["detail"].get("what") == "letter" for e in entries)
    by = {e["action"]: e for e in entries}
    assert by["case.approve"]["actor"] == "supervisor" and by["case.propose_decision"]["actor"] == "officer"
    assert by["case.approve"]["source_ip"] == "127.0.0.1"
    csv = supervisor.get("/v1/intake/audit/export").text
    assert ref in csv and "case.approve" in csv and "284037512345640" not in csv
    assert officer.get("/v1/intake/audit/export").status_code == 403
