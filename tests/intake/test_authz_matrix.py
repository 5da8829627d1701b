"""Authorisation matrix: every intake route × every role (and the anonymous public), allowed or
refused. A new route must be added here or the completeness test fails."""
from __future__ import annotations

import pytest

from intake.service import Actor, NewAttachment
from tests.intake.conftest import PDF, continuation

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

CALLERS = ("anonymous", "applicant", "applicant2", "agent", "officer", "supervisor", "translator", "statistician",
           "institution", "admin")
EVERYONE = set(CALLERS)
STAFF = {"officer", "supervisor", "admin"}
OWNER_STAFF = {"applicant"} | STAFF
SUPERVISION = {"supervisor", "admin"}
CREATORS = {"anonymous", "applicant", "applicant2"} | STAFF

APPLICABLE = "home=FR&work=DE&status=employed&start=2026-01-01&end=2027-12-31"
FORM = {"case_type": "continuation", "form": continuation()}
# (method, route path) -> (allowed callers, case state needed or None, request builder)
MATRIX = {
    ("GET", "/v1/applicable"): (EVERYONE, None, lambda c: ("/v1/applicable?" + APPLICABLE, {})),
    ("GET", "/v1/rules/instruments"): (EVERYONE, None, lambda c: ("/v1/rules/instruments", {})),
    ("POST", "/v1/cases/validate"): (EVERYONE, None, lambda c: ("/v1/cases/validate", {"json": FORM})),
    ("POST", "/v1/cases"): (CREATORS, None, lambda c: ("/v1/cases", {"json": FORM})),
    ("GET", "/v1/cases"): ({"applicant", "applicant2"} | STAFF, None, lambda c: ("/v1/cases", {})),
    ("GET", "/v1/cases/{reference}"): (OWNER_STAFF, "submitted", lambda c: (f"/v1/cases/{c['reference']}", {})),
    ("PATCH", "/v1/cases/{reference}"): (OWNER_STAFF, "draft", lambda c: (
        f"/v1/cases/{c['reference']}", {"json": {"version": c["version"], "form": continuation()}})),
    ("POST", "/v1/cases/{reference}/actions/{action}"): None,  # expanded per action below
    ("POST", "/v1/cases/{reference}/assign"): (STAFF, "submitted", lambda c: (
        f"/v1/cases/{c['reference']}/assign", {"json": {"version": c["version"], "team": "europe"}})),
    ("GET", "/v1/cases/{reference}/history"): (OWNER_STAFF, "submitted", lambda c: (f"/v1/cases/{c['reference']}/history", {})),
    ("GET", "/v1/cases/{reference}/comments"): (STAFF, "submitted", lambda c: (f"/v1/cases/{c['reference']}/comments", {})),
    ("POST", "/v1/cases/{reference}/comments"): (STAFF, "submitted", lambda c: (
        f"/v1/cases/{c['reference']}/comments", {"json": {"text": "internal note"}})),
    ("GET", "/v1/cases/{reference}/messages"): (OWNER_STAFF, "submitted", lambda c: (f"/v1/cases/{c['reference']}/messages", {})),
    ("POST", "/v1/cases/{reference}/messages"): (OWNER_STAFF, "submitted", lambda c: (
        f"/v1/cases/{c['reference']}/messages", {"json": {"text": "hello"}})),
    ("GET", "/v1/cases/{reference}/attachments"): (OWNER_STAFF, "submitted", lambda c: (f"/v1/cases/{c['reference']}/attachments", {})),
    ("POST", "/v1/cases/{reference}/attachments"): (OWNER_STAFF, "submitted", lambda c: (
        f"/v1/cases/{c['reference']}/attachments", {"files": {"file": ("x.pdf", PDF)}, "data": {"kind": "supporting_document"}})),
    ("GET", "/v1/cases/{reference}/attachments/{attachment_id}"): (OWNER_STAFF, "submitted", lambda c: (
        f"/v1/cases/{c['reference']}/attachments/{c['attachment_id']}", {})),
    ("GET", "/v1/cases/{reference}/letter"): (OWNER_STAFF, "accepted", lambda c: (
        f"/v1/cases/{c['reference']}/letter?format=html", {})),
    ("GET", "/v1/cases/{reference}/audit"): (SUPERVISION, "submitted", lambda c: (f"/v1/cases/{c['reference']}/audit", {})),
    ("GET", "/v1/intake/audit/export"): (SUPERVISION, None, lambda c: ("/v1/intake/audit/export", {})),
    ("POST", "/v1/intake/reminders"): (SUPERVISION, None, lambda c: ("/v1/intake/reminders", {})),
    ("GET", "/v1/intake/activity"): ({"statistician"} | SUPERVISION, None, lambda c: (
        "/v1/intake/activity?start=2026-01-01&end=2026-12-31", {})),
    ("GET", "/forms/static/{name}"): (EVERYONE, None, lambda c: ("/forms/static/intake.css", {})),
    ("GET", "/forms"): (EVERYONE, None, lambda c: ("/forms", {})),
    ("GET", "/forms/"): (EVERYONE, None, lambda c: ("/forms/", {})),
    ("GET", "/forms/resume"): (EVERYONE, None, lambda c: ("/forms/resume?reference=CT-AAAA-BBBB&key=x", {})),
    ("GET", "/forms/inquiry"): (EVERYONE, None, lambda c: ("/forms/inquiry", {})),
    ("POST", "/forms/inquiry"): (EVERYONE, None, lambda c: ("/forms/inquiry", {"data": {"message": "Question?"}})),
    ("GET", "/forms/{case_type}"): (EVERYONE, None, lambda c: ("/forms/continuation", {})),
    ("POST", "/forms/{case_type}"): (CREATORS, None, lambda c: ("/forms/continuation", {"data": {"op": "save"}})),
    ("GET", "/forms/cases/{reference}"): (OWNER_STAFF, "submitted", lambda c: (f"/forms/cases/{c['reference']}", {})),
    ("POST", "/forms/cases/{reference}"): (OWNER_STAFF, "submitted", lambda c: (
        f"/forms/cases/{c['reference']}", {"data": {"op": "message", "message": "hello"}})),
    ("GET", "/console/cases"): (STAFF, None, lambda c: ("/console/cases", {})),
    ("GET", "/console/cases/{reference}"): (STAFF, "submitted", lambda c: (f"/console/cases/{c['reference']}", {})),
    ("POST", "/console/cases/{reference}"): (STAFF, "submitted", lambda c: (
        f"/console/cases/{c['reference']}", {"data": {"op": "comment", "message": "note"}})),
}
ACTIONS = {  # action -> (allowed, state)
    "submit": (OWNER_STAFF, "draft"), "start_review": (STAFF, "submitted"),
    "request_information": (STAFF, "in_review"), "provide_information": (OWNER_STAFF, "information_requested"),
    "propose_decision": (STAFF, "in_review"), "approve": (SUPERVISION, "decision_proposed"),
    "return_proposal": (SUPERVISION, "decision_proposed"), "withdraw": (OWNER_STAFF, "submitted"),
    "close": (STAFF, "withdrawn"), "reopen": (STAFF, "withdrawn"),
}
ACTION_BODY = {"request_information": {"reason_code": "incomplete", "message": "m"}, "provide_information": {"message": "m"},
               "propose_decision": {"decision": "accept", "message": "m"}, "return_proposal": {"message": "m"},
               "reopen": {"message": "m"}}
PREFIXES = ("/v1/applicable", "/v1/rules", "/v1/cases", "/v1/intake", "/forms", "/console/cases")


def _cases():
    for (method, path), spec in MATRIX.items():
        if spec is None:
            for action, (allowed, state) in ACTIONS.items():
                def build(c, action=action):
                    return (f"/v1/cases/{c['reference']}/actions/{action}",
                            {"json": {"version": c["version"], **ACTION_BODY.get(action, {})}})
                yield f"POST actions/{action}", method, allowed, state, build
        else:
            allowed, state, build = spec
            yield f"{method} {path}", method, allowed, state, build


CASES = list(_cases())


def test_matrix_covers_every_intake_route(client):
    from intake.http import iter_routes

    routes = {(m, path) for path, methods in iter_routes(client.fastapi_app) if path.startswith(PREFIXES)
              for m in methods if m != "HEAD"}
    assert routes == set(MATRIX), f"missing: {routes - set(MATRIX)}; stale: {set(MATRIX) - routes}"


def _make_case(service, accounts, state):
    a = Actor(accounts["applicant"][0])
    o, o2, sup = Actor(accounts["officer"][0]), Actor(accounts["officer2"][0]), Actor(accounts["supervisor"][0])
    view, _, _ = service.create_case(a, "continuation", continuation(), submit=state != "draft",
                                     attachments=[NewAttachment("posting_letter", "l.pdf", PDF)])
    ref = view["reference"]
    steps = {
        "in_review": [(o, "start_review", {})],
        "information_requested": [(o, "start_review", {}), (o, "request_information",
                                                            {"reason_code": "incomplete", "message": "m"})],
        "decision_proposed": [(o, "start_review", {}), (o2, "propose_decision", {"decision": "accept", "message": "m"})],
        "accepted": [(o, "start_review", {}), (o2, "propose_decision", {"decision": "accept", "message": "m"}),
                     (sup, "approve", {})],
        "withdrawn": [(o, "withdraw", {"message": "m"})],
    }.get(state, [])
    for who, action, kw in steps:
        view = service.act(who, ref, action, version=view["version"], **kw)
    case = service.get_case(o, ref)
    return {"reference": ref, "version": case["version"], "attachment_id": case["attachments"][0]["id"]}


@pytest.mark.parametrize("caller", CALLERS)
def test_each_role_on_each_route(client, service, accounts, caller):
    from intake.web.render import CSRF_COOKIE

    failures = []
    for label, method, allowed, state, build in CASES:
        case = _make_case(service, accounts, state) if state else {}
        url, kwargs = build(case)
        headers = {} if caller == "anonymous" else {"Authorization": f"Bearer {accounts[caller][1]}"}
        if url.startswith(("/forms", "/console")) and method == "POST":
            client.cookies.set(CSRF_COOKIE, "t" * 43)
            kwargs = dict(kwargs, data={**kwargs.get("data", {}), "csrf": "t" * 43})
        r = client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
        client.cookies.clear()
        refused = r.status_code in (401, 403, 404) or (r.status_code == 303 and "/login" in r.headers.get("location", ""))
        if r.status_code >= 500 or refused == (caller in allowed):
            failures.append(f"{label}: {caller} got {r.status_code} ({'allowed' if caller in allowed else 'refused'} expected)")
    assert not failures, "\n".join(failures)
